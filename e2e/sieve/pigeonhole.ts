import { spawn } from 'node:child_process';
import { chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWords } from '@mailstead/mime';
import { headerFields, normaliseAddress, normaliseFlags, normaliseStores, type NormalisedOutcome, type NormalisedStore } from './normalised-outcome';

/**
 * Debian's Pigeonhole (`dovecot-sieve`, 0.5.19 on Debian 12) driven through `sieve-test`, the
 * reference side of the differential test. Each case runs twice in a private directory:
 * - test mode (no -e) prints "Performed actions:" / "Implicit keep:", the action list with
 *   flags, :copy ("preserve implicit keep") and :create;
 * - execute mode (-e, with a private Maildir as -l) really applies the result: it decides
 *   whether vacation answers (RFC 5230 4.5/4.6: lists, Auto-Submitted, Precedence, not
 *   addressed to the user), prints the reply, and stores the message as editheader left it.
 * sieve-test refuses to run as root ("Couldn't drop privileges"), so under root it runs as
 * `nobody` (uid/gid 65534) with HOME in the case's directory.
 */

export const PIGEONHOLE_EXTENSIONS = '+editheader +vacation-seconds +spamtest +spamtestplus';

/**
 * Settings that make Pigeonhole's site policy neutral so the test compares RFC semantics:
 * spamtest reads `X-Spam-Score: <score>` out of 10 (RFC 5235 3.2: value = 1 + 9 * ratio,
 * Pigeonhole truncates) and vacation's minimum period
 * is lowered from Pigeonhole's default of one day so `:seconds` is taken as written.
 */
const PIGEONHOLE_SETTINGS = [
  'plugin/sieve_spamtest_status_type=score',
  'plugin/sieve_spamtest_status_header=X-Spam-Score: ([[:digit:]]+(\\.[[:digit:]]+)?)',
  'plugin/sieve_spamtest_max_value=10',
  'plugin/sieve_vacation_min_period=0',
];

export interface PigeonholeCase {
  /** the user's script */
  script: string;
  /** admin scripts run before it (sieve-test -s), in order */
  before?: string[];
  message: Buffer;
  envelope: { from: string; to: string };
  /** folders that exist besides INBOX */
  mailboxes: string[];
  /** scripts for `include :personal` and `include :global`, by name */
  personal?: Record<string, string>;
  global?: Record<string, string>;
  /** also run in execute mode (for the stored message's header fields) */
  executeToo?: boolean;
}

export interface SieveTestOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CompileError {
  line: number;
  message: string;
}

export interface PigeonholeResult {
  compiled: boolean;
  compileErrors: CompileError[];
  test: SieveTestOutput;
  exec?: SieveTestOutput;
  /** header fields of each stored message (execute mode), by mailbox */
  storedHeaders: Record<string, string[]>;
  outcome?: NormalisedOutcome;
  /** output lines the parser did not understand: the sanity test wants none */
  unparsed: string[];
}

const NOBODY = 65534;
const runAsNobody = process.getuid?.() === 0;

function sieveTest(args: string[], cwd: string, home: string): Promise<SieveTestOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('sieve-test', args, {
      cwd,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(runAsNobody ? { uid: NOBODY, gid: NOBODY } : {}),
      timeout: 20_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

async function chownTree(path: string): Promise<void> {
  if (!runAsNobody) return;
  await chown(path, NOBODY, NOBODY);
  if ((await stat(path)).isDirectory()) {
    for (const entry of await readdir(path)) await chownTree(join(path, entry));
  }
}

async function makeMaildirFolder(path: string): Promise<void> {
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(path, sub), { recursive: true });
}

/** Maildir++ layout (Dovecot's default for maildir:): INBOX is the root, folder X is `.X`. */
function maildirFolderPath(root: string, mailbox: string): string {
  return mailbox === 'INBOX' ? root : join(root, `.${mailbox}`);
}

async function storedMessages(root: string): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  const folders: Array<[string, string]> = [['INBOX', root]];
  for (const entry of await readdir(root)) if (entry.startsWith('.') && entry.length > 1) folders.push([entry.slice(1), join(root, entry)]);
  for (const [mailbox, path] of folders) {
    for (const sub of ['new', 'cur']) {
      let files: string[] = [];
      try {
        files = await readdir(join(path, sub));
      } catch {
        continue;
      }
      for (const file of files) result[mailbox] = headerFields(await readFile(join(path, sub, file)));
    }
  }
  return result;
}

export async function runPigeonhole(testCase: PigeonholeCase): Promise<PigeonholeResult> {
  const dir = await mkdtemp(join(tmpdir(), 'sieve-diff-'));
  try {
    const home = join(dir, 'home');
    const maildir = join(dir, 'Maildir');
    const personal = join(dir, 'personal');
    const global = join(dir, 'global');
    await mkdir(home);
    await mkdir(personal);
    await mkdir(global);
    await makeMaildirFolder(maildir);
    for (const mailbox of testCase.mailboxes) await makeMaildirFolder(maildirFolderPath(maildir, mailbox));
    for (const [name, source] of Object.entries(testCase.personal ?? {})) await writeFile(join(personal, `${name}.sieve`), source);
    for (const [name, source] of Object.entries(testCase.global ?? {})) await writeFile(join(global, `${name}.sieve`), source);
    const before = testCase.before ?? [];
    for (const [index, source] of before.entries()) await writeFile(join(dir, `before-${index}.sieve`), source);
    await writeFile(join(dir, 'main.sieve'), testCase.script);
    await writeFile(join(dir, 'message.eml'), testCase.message);
    await chownTree(dir);

    const common = [
      '-C',
      '-x',
      PIGEONHOLE_EXTENSIONS,
      '-o',
      `plugin/sieve=file:${personal}`,
      '-o',
      `plugin/sieve_global=file:${global}`,
      ...PIGEONHOLE_SETTINGS.flatMap((setting) => ['-o', setting]),
      '-l',
      `maildir:${maildir}`,
      '-f',
      testCase.envelope.from,
      '-a',
      testCase.envelope.to,
      '-r',
      testCase.envelope.to,
      // relative: sieve-test takes the -s argument as the script's name too, and a name must not contain '/'
      ...before.flatMap((_, index) => ['-s', `before-${index}.sieve`]),
    ];
    const files = [join(dir, 'main.sieve'), join(dir, 'message.eml')];
    const test = await sieveTest([...common, ...files], dir, home);
    const compileErrors = parseCompileErrors(test.stderr);
    if (/failed to compile sieve script/.test(test.stderr)) return { compiled: false, compileErrors, test, storedHeaders: {}, unparsed: [] };

    // execute mode only where it tells more: vacation's decision, the stored message's header
    const needsExec = testCase.executeToo === true || /^ \* send vacation message:$/m.test(test.stdout);
    const exec = needsExec ? await sieveTest([...common, '-e', ...files], dir, home) : undefined;
    const storedHeaders = needsExec ? await storedMessages(maildir) : {};
    const { outcome, unparsed } = parseOutcome(test, exec);
    return { compiled: true, compileErrors, test, exec, storedHeaders, outcome, unparsed };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `main: line 3: error: unknown command 'filein' ...` */
export function parseCompileErrors(stderr: string): CompileError[] {
  const errors: CompileError[] = [];
  for (const match of stderr.matchAll(/^[^:\n]+: line (\d+): error: (.*)$/gm)) errors.push({ line: Number(match[1]), message: match[2] ?? '' });
  return errors;
}

interface ParsedActions {
  stores: NormalisedStore[];
  redirects: string[];
  reject: { reason: string } | null;
  vacation: { seconds?: number; subject?: string; reason: string } | null;
  /** `duplicate` tests run: Pigeonhole lists each as "track duplicate" (RFC 7352 3: recorded on delivery) */
  duplicatesTracked: number;
  implicitKeep: NormalisedStore | null;
  unparsed: string[];
}

/**
 * The test-mode listing: "Performed actions:" then "Implicit keep:". With scripts before the
 * user's, each script gets its own listing after "## Executing script: NAME"; the next script
 * runs only while the implicit keep stands (shown as "* keep"), and only the last listing's
 * implicit keep is final.
 */
export function parseActionListing(stdout: string): ParsedActions {
  const lines = stdout.split('\n').map((line) => line.replace(/\r$/, ''));
  const parsed: ParsedActions = { stores: [], redirects: [], reject: null, vacation: null, duplicatesTracked: 0, implicitKeep: null, unparsed: [] };
  let section: 'none' | 'performed' | 'implicit' = 'none';
  let current: NormalisedStore | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === 'Performed actions:') {
      section = 'performed';
      parsed.implicitKeep = null;
      continue;
    }
    if (line === 'Implicit keep:') {
      section = 'implicit';
      current = null;
      continue;
    }
    if (line.startsWith('## Executing script: ')) {
      section = 'none';
      continue;
    }
    if (section === 'none' || line.trim() === '' || line.trim() === '(none)') continue;
    let match: RegExpMatchArray | null;
    if ((match = /^ \* store message in folder: (.*)$/.exec(line))) {
      current = { mailbox: match[1] ?? '', flags: [] };
      if (section === 'implicit') parsed.implicitKeep = current;
      else parsed.stores.push(current);
    } else if (line === ' * keep' && section === 'implicit') {
      // the implicit keep still stands after a script that is not the last one
      current = { mailbox: 'INBOX', flags: [] };
      parsed.implicitKeep = current;
    } else if ((match = /^\s+\+ add IMAP flags: (.*)$/.exec(line)) && current) {
      current.flags = normaliseFlags((match[1] ?? '').split(/\s+/));
    } else if (/^\s+\+ (preserve implicit keep|create mailbox if it does not exist)$/.test(line)) {
      // :copy and :create: their effect shows in the implicit keep and the store itself
    } else if ((match = /^ \* redirect message to: (.*)$/.exec(line))) {
      current = null;
      parsed.redirects.push(normaliseAddress(match[1] ?? ''));
    } else if (line === ' * discard') {
      current = null;
    } else if (line === ' * track duplicate') {
      current = null;
      parsed.duplicatesTracked++;
    } else if ((match = /^ \* reject message with reason: (.*)$/.exec(line))) {
      current = null;
      parsed.reject = { reason: match[1] ?? '' };
    } else if (line === ' * send vacation message:') {
      current = null;
      const vacation: NonNullable<ParsedActions['vacation']> = { reason: '' };
      // "=> key : value" lines; a default handle spans lines (it embeds the reason)
      for (i++; i < lines.length && lines[i] !== 'START MESSAGE'; i++) {
        const detail = /^\s+=> (\w+)\s*: (.*)$/.exec(lines[i] ?? '');
        if (detail?.[1] === 'seconds') vacation.seconds = Number(detail[2]);
        if (detail?.[1] === 'subject') vacation.subject = detail[2];
      }
      if (lines[i] !== 'START MESSAGE') parsed.unparsed.push('vacation without START MESSAGE');
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== 'END MESSAGE'; i++) body.push(lines[i] ?? '');
      vacation.reason = normaliseReason(body.join('\n'));
      parsed.vacation = vacation;
    } else {
      parsed.unparsed.push(line);
    }
  }
  return parsed;
}

/** Line ends as LF, no trailing blank lines (a multi-line literal's lines end in CRLF, RFC 5228 2.4.2). */
export function normaliseReason(reason: string): string {
  return reason.replace(/\r\n/g, '\n').replace(/\s+$/, '');
}

/** The reply execute mode printed: headers from its `X-Sieve:` line, body up to the next message or the tool's trailer. */
export function parseVacationReply(stdout: string): { subject: string; reason: string } | null {
  const lines = stdout.split('\n').map((line) => line.replace(/\r$/, ''));
  const marker = lines.findIndex((line) => /^Auto-Submitted: auto-replied/.test(line));
  if (marker < 0) return null;
  let start = marker;
  while (start > 0 && !(lines[start] ?? '').startsWith('X-Sieve:')) start--;
  let end = marker;
  while (end < lines.length && (lines[end] ?? '') !== '') end++;
  const headers = headerFields(lines.slice(start, end).join('\r\n'));
  const subject = headers.find((field) => field.startsWith('subject: '))?.slice('subject: '.length) ?? '';
  const body: string[] = [];
  for (let i = end + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('X-Sieve:') || line.startsWith('RECIPIENT:') || line === 'START MESSAGE:' || line === 'END MESSAGE') break;
    body.push(line);
  }
  while (body.length > 0 && body[body.length - 1] === '') body.pop();
  return { subject: decodeWords(subject), reason: normaliseReason(body.join('\n')) };
}

function parseOutcome(test: SieveTestOutput, exec: SieveTestOutput | undefined): { outcome: NormalisedOutcome; unparsed: string[] } {
  // "final result: failed; resolved with successful implicit keep": a run-time error
  if (/final result: failed/.test(test.stderr)) {
    return { outcome: { error: true, stores: [{ mailbox: 'INBOX', flags: [] }], redirects: [], reject: null, vacation: null, duplicatesTracked: 0 }, unparsed: [] };
  }
  const unparsed: string[] = [];
  if (!/final result: success/.test(test.stderr)) unparsed.push(`test mode did not succeed: ${test.stderr}`);
  const listing = parseActionListing(test.stdout);
  unparsed.push(...listing.unparsed);
  const stores = [...listing.stores, ...(listing.implicitKeep ? [listing.implicitKeep] : [])];
  let vacation: NormalisedOutcome['vacation'] = null;
  if (listing.vacation) {
    const execStderr = exec?.stderr ?? '';
    const sent = /vacation action: sent vacation response/.test(execStderr);
    const discarded = /vacation action: (discarding|not sending) vacation response/.test(execStderr);
    if (sent === discarded) unparsed.push(`vacation neither clearly sent nor discarded: ${execStderr}`);
    if (sent) {
      const reply = parseVacationReply(exec?.stdout ?? '');
      if (!reply) unparsed.push('vacation sent but no reply printed');
      vacation = { sent: true, seconds: listing.vacation.seconds, subject: reply?.subject ?? '', reason: reply?.reason ?? '' };
    } else {
      vacation = { sent: false };
    }
  }
  return {
    outcome: { error: false, stores: normaliseStores(stores), redirects: [...new Set(listing.redirects)].sort(), reject: listing.reject, vacation, duplicatesTracked: listing.duplicatesTracked },
    unparsed,
  };
}

/** Runs `work` over `items` with at most `limit` at a time, keeping the order of the results. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return results;
}
