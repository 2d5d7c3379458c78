// npm run bench:imap-resync [-- --messages 100000 --changed 0.01 --rounds 3] [--no-reference] [--no-record]
// Issue 5: reconnect-and-resync of a big mailbox after a share of its flags changed elsewhere,
// with SELECT ... (QRESYNC ...) vs a full UID FETCH 1:* (FLAGS), timed from after LOGIN, on Mailstead and Debian's
// Dovecot in the same run, driven by the same raw client (so client-side parsing is not measured).
import net from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { freePort } from '@mailstead/testing';
import { startDovecot } from './lib/dovecot';
import { startMailstead } from './lib/mailstead';
import { appendResults } from './lib/results';
import { benchMessage, round } from './lib/stats';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    changed: { type: 'string', default: '0.01' },
    rounds: { type: 'string', default: '3' },
    'no-reference': { type: 'boolean', default: false },
    'no-record': { type: 'boolean', default: false },
  },
});
const MESSAGES = Number(values.messages);
const CHANGED = Math.max(1, Math.round(MESSAGES * Number(values.changed)));
const ROUNDS = Number(values.rounds);
const USER = 'resync@bench.test';
const PASSWORD = 'bench-password-1';

/** A minimal IMAP line client: waits for a tagged reply by scanning only the new bytes. */
class Client {
  private chunks: Buffer[] = [];
  private tail = '';
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.tail = (this.tail + d.toString('latin1')).slice(-8192);
      this.waiter?.();
    });
  }

  static async connect(port: number): Promise<Client> {
    const socket = net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const c = new Client(socket);
    await c.until(/\r\n$/);
    c.take();
    return c;
  }

  private async until(pattern: RegExp): Promise<void> {
    while (!pattern.test(this.tail)) await new Promise<void>((resolve) => (this.waiter = resolve));
    this.waiter = undefined;
  }

  private take(): string {
    const out = Buffer.concat(this.chunks).toString('latin1');
    this.chunks = [];
    this.tail = '';
    return out;
  }

  async command(tag: string, line: string): Promise<string> {
    this.socket.write(`${tag} ${line}\r\n`);
    await this.until(new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n$`));
    const out = this.take();
    if (!new RegExp(`(^|\\r\\n)${tag} OK`).test(out)) throw new Error(`${line.slice(0, 60)} failed: ${out.slice(-300)}`);
    return out;
  }

  close(): void {
    this.socket.destroy();
  }
}

const fetchLines = (text: string) => text.match(/^\* \d+ FETCH /gm)?.length ?? 0;

interface Target {
  name: string;
  port: number;
}

async function login(target: Target): Promise<Client> {
  const c = await Client.connect(target.port);
  await c.command('l', `LOGIN ${USER} ${PASSWORD}`);
  return c;
}

/** Changes flags of `count` random messages from another session (in sets of 200 UIDs). */
async function changeFlags(target: Target, round: number): Promise<void> {
  const c = await login(target);
  const sel = await c.command('s', 'SELECT INBOX');
  const exists = Number(/\* (\d+) EXISTS/.exec(sel)![1]);
  const uids = new Set<number>();
  while (uids.size < CHANGED) uids.add(1 + Math.floor(Math.random() * exists));
  const list = [...uids].sort((a, b) => a - b);
  // A new keyword each round, so every chosen message really changes.
  const flag = `+FLAGS.SILENT ($bench${round})`;
  for (let i = 0; i < list.length; i += 200) await c.command(`f${i}`, `STORE ${list.slice(i, i + 200).join(',')} ${flag}`);
  c.close();
}

interface Measure {
  qresyncMs: number[];
  fullMs: number[];
  qresyncLines: number[];
  fullLines: number[];
}

async function run(target: Target): Promise<Measure> {
  const out: Measure = { qresyncMs: [], fullMs: [], qresyncLines: [], fullLines: [] };
  // Warm-up and the client's cache: UIDVALIDITY and HIGHESTMODSEQ after a full sync.
  const first = await login(target);
  await first.command('e', 'ENABLE QRESYNC');
  const sel = await first.command('s', 'SELECT INBOX');
  await first.command('f', 'UID FETCH 1:* (FLAGS)');
  const uidValidity = /UIDVALIDITY (\d+)/.exec(sel)![1];
  let modseq = /HIGHESTMODSEQ (\d+)/.exec(sel)![1]!;
  first.close();
  for (let r = 0; r < ROUNDS; r++) {
    await changeFlags(target, r);
    // QRESYNC reconnect: after LOGIN (not timed: Mailstead's argon2id vs Dovecot's plain
    // passwords), ENABLE and SELECT (QRESYNC (v m)) - the changes come with the SELECT.
    const q = await login(target);
    let t0 = performance.now();
    await q.command('e', 'ENABLE QRESYNC');
    const resync = await q.command('s', `SELECT INBOX (QRESYNC (${uidValidity} ${modseq}))`);
    out.qresyncMs.push(performance.now() - t0);
    out.qresyncLines.push(fetchLines(resync));
    const next = /HIGHESTMODSEQ (\d+)/.exec(resync)![1]!;
    q.close();
    // Full reconnect: after LOGIN, SELECT and UID FETCH 1:* (FLAGS) - every message's flags.
    const f = await login(target);
    t0 = performance.now();
    await f.command('s', 'SELECT INBOX');
    const full = await f.command('f', 'UID FETCH 1:* (FLAGS)');
    out.fullMs.push(performance.now() - t0);
    out.fullLines.push(fetchLines(full));
    f.close();
    modseq = next;
  }
  return out;
}

const median = (xs: number[]) => round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!, 0);

async function main(): Promise<void> {
  const corpus = Array.from({ length: MESSAGES }, (_, i) => benchMessage(i, 300));
  const mailstead = await startMailstead('api,imap', { PGOPTIONS: '-c synchronous_commit=off' });
  const dovecot = values['no-reference']
    ? undefined
    : await startDovecot({ imapPort: await freePort(), pop3Port: await freePort(), users: [{ name: USER, password: PASSWORD }] });
  try {
    const user = await mailstead.createUser(USER, PASSWORD);
    let t0 = performance.now();
    await mailstead.seed(user.inboxId, corpus);
    console.log(`seeded ${MESSAGES} messages into Mailstead in ${round((performance.now() - t0) / 1000)} s`);
    dovecot?.seed(USER, corpus);
    t0 = performance.now();
    const ms = await run({ name: 'mailstead', port: mailstead.ports.imap });
    const dc = dovecot ? await run({ name: 'dovecot', port: dovecot.imapPort }) : undefined;
    const load = os.loadavg()[0]!.toFixed(2);
    const dash = '—';
    console.log(`mailstead: QRESYNC ${ms.qresyncMs.map((x) => round(x, 0)).join('/')} ms (${ms.qresyncLines.join('/')} FETCH lines), full ${ms.fullMs.map((x) => round(x, 0)).join('/')} ms`);
    if (dc) console.log(`dovecot:   QRESYNC ${dc.qresyncMs.map((x) => round(x, 0)).join('/')} ms (${dc.qresyncLines.join('/')} FETCH lines), full ${dc.fullMs.map((x) => round(x, 0)).join('/')} ms`);
    console.log(`load average ${load}`);
    const ratio = (a: number, b: number | undefined) => (b ? String(round(b / a, 2)) : '');
    const rows = [
      `| resync after LOGIN: ENABLE + SELECT (QRESYNC), median of ${ROUNDS} (ms) | ${median(ms.qresyncMs)} | ${dc ? median(dc.qresyncMs) : dash} | ${ratio(median(ms.qresyncMs), dc && median(dc.qresyncMs))} |`,
      `| resync after LOGIN: SELECT + UID FETCH 1:* (FLAGS), median (ms) | ${median(ms.fullMs)} | ${dc ? median(dc.fullMs) : dash} | ${ratio(median(ms.fullMs), dc && median(dc.fullMs))} |`,
      `| FETCH lines in the QRESYNC answer (changed messages) | ${ms.qresyncLines.join('/')} | ${dc?.qresyncLines.join('/') ?? dash} | |`,
      `| speed-up of QRESYNC over the full fetch | ${round(median(ms.fullMs) / median(ms.qresyncMs), 1)}x | ${dc ? `${round(median(dc.fullMs) / median(dc.qresyncMs), 1)}x` : dash} | |`,
      `| load average (1 min) at the end | ${load} | | |`,
    ];
    if (!values['no-record']) {
      appendResults(
        `IMAP resync (issue 5): ${MESSAGES.toLocaleString('en')} messages, ${CHANGED} flags changed per round`,
        `npm run bench:imap-resync -- --messages ${MESSAGES} --changed ${values.changed} --rounds ${ROUNDS}`,
        rows,
        '| measure | Mailstead | Dovecot | ratio (Dovecot/Mailstead time) |',
      );
    }
  } finally {
    await mailstead.stop();
    await dovecot?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
