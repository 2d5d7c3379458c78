import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import type { RawImap } from '../imap/imap-harness';
import { startDifferential, type DifferentialServers, type Target } from './differential-targets';

/**
 * FLAGS / PERMANENTFLAGS with keywords (RFC 3501 7.2.6, 7.1): one script run identically on
 * Debian's Dovecot and on Mailstead. Compared: the FLAGS and PERMANENTFLAGS lists (order
 * included: both list keywords in order of first use), where they come among the EXISTS and
 * FETCH responses, and each FETCH's flags. Dovecot's answers are also checked against the
 * answers written out below, so a parse that finds nothing on both sides cannot pass.
 */
let servers: DifferentialServers;

const MAILBOX = 'kw-diff';

beforeAll(async () => {
  servers = await startDifferential();
});

afterAll(async () => {
  await servers?.stop();
});

async function append(c: RawImap, tag: string, n: number, flags: string): Promise<void> {
  const raw = sampleMessage(n).toString('latin1');
  await c.ok(tag, `APPEND ${MAILBOX} (${flags}) {${Buffer.byteLength(raw, 'latin1')}+}\r\n${raw}`);
}

/**
 * The responses that matter here, in order: FLAGS and PERMANENTFLAGS with their lists, EXISTS,
 * and FETCH as `FETCH seq (flags)` with the flags sorted and \Recent left out (who sees a
 * message first is per session). Everything else (RECENT, UIDVALIDITY, [CLOSED], ...) is dropped.
 */
function observe(reply: string): string[] {
  const out: string[] = [];
  for (const line of reply.split('\r\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^\* FLAGS \(([^)]*)\)$/.exec(line))) out.push(`FLAGS (${m[1]})`);
    else if ((m = /^\* OK \[PERMANENTFLAGS \(([^)]*)\)\]/.exec(line))) out.push(`PERMANENTFLAGS (${m[1]})`);
    else if (/^\* \d+ EXISTS$/.test(line)) out.push('EXISTS');
    else if ((m = /^\* (\d+) FETCH \(.*FLAGS \(([^)]*)\)/.exec(line))) {
      const flags = m[2]!.split(' ').filter((f) => f && f.toLowerCase() !== '\\recent').sort();
      out.push(`FETCH ${m[1]} (${flags.join(' ')})`);
    }
  }
  return out;
}

type Observations = Record<string, string[]>;

async function runScript(target: Target): Promise<Observations> {
  const o: Observations = {};
  const setup = await target.connect();
  await setup.ok('p0', `CREATE ${MAILBOX}`);
  // One keyword per command, so "order of first use" is the same on both servers.
  await append(setup, 'p1', 1, '\\Seen $Forwarded');
  await append(setup, 'p2', 2, 'NonJunk');
  await append(setup, 'p3', 3, '');
  setup.close();

  const a = await target.connect();
  o['SELECT'] = observe(await a.ok('a1', `SELECT ${MAILBOX}`));
  o['EXAMINE'] = observe(await a.ok('a2', `EXAMINE ${MAILBOX}`));
  await a.ok('a3', `SELECT ${MAILBOX}`);
  o['STORE 3 +FLAGS (NewTag)'] = observe(await a.ok('a4', 'STORE 3 +FLAGS (NewTag)'));
  o['STORE 2 +FLAGS (NewTag)'] = observe(await a.ok('a5', 'STORE 2 +FLAGS (NewTag)'));
  o['STORE 1 +FLAGS.SILENT (Quiet)'] = observe(await a.ok('a6', 'STORE 1 +FLAGS.SILENT (Quiet)'));

  const b = await target.connect();
  await b.ok('b1', `SELECT ${MAILBOX}`);
  const r = await target.connect();
  await r.ok('r1', `EXAMINE ${MAILBOX}`);
  await b.ok('b2', 'STORE 2 +FLAGS.SILENT (FromB)');
  o["NOOP after another session's STORE"] = observe(await a.ok('a7', 'NOOP'));
  o["read-only session's NOOP after it"] = observe(await r.ok('r2', 'NOOP'));
  await append(b, 'b3', 4, 'Appended');
  o["NOOP after another session's APPEND"] = observe(await a.ok('a8', 'NOOP'));
  b.close();
  r.close();

  await a.ok('a9', 'STORE 1:4 -FLAGS.SILENT (NewTag Quiet FromB Appended)');
  o['SELECT after those keywords left every message'] = observe(await a.ok('a10', `SELECT ${MAILBOX}`));
  a.close();
  return o;
}

const SYS = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';
const pair = (keywords: string) => [`FLAGS (${SYS} ${keywords})`, `PERMANENTFLAGS (${SYS} ${keywords} \\*)`];

/** What RFC 3501 7.2.6 and Dovecot's first-use order make of the script. */
const ANSWERS: Observations = {
  SELECT: [...pair('$Forwarded NonJunk'), 'EXISTS'],
  EXAMINE: [`FLAGS (${SYS} $Forwarded NonJunk)`, 'PERMANENTFLAGS ()', 'EXISTS'],
  'STORE 3 +FLAGS (NewTag)': [...pair('$Forwarded NonJunk NewTag'), 'FETCH 3 (NewTag)'],
  'STORE 2 +FLAGS (NewTag)': ['FETCH 2 (NewTag NonJunk)'],
  'STORE 1 +FLAGS.SILENT (Quiet)': pair('$Forwarded NonJunk NewTag Quiet'),
  "NOOP after another session's STORE": [...pair('$Forwarded NonJunk NewTag Quiet FromB'), 'FETCH 2 (FromB NewTag NonJunk)'],
  "read-only session's NOOP after it": [`FLAGS (${SYS} $Forwarded NonJunk NewTag Quiet FromB)`, 'PERMANENTFLAGS ()', 'FETCH 2 (FromB NewTag NonJunk)'],
  "NOOP after another session's APPEND": [...pair('$Forwarded NonJunk NewTag Quiet FromB Appended'), 'EXISTS'],
  'SELECT after those keywords left every message': [...pair('$Forwarded NonJunk NewTag Quiet FromB Appended'), 'EXISTS'],
};

describe('differential: FLAGS with keywords against Dovecot and Mailstead', () => {
  it('lists the same keywords in the same order, and sends the FLAGS updates where Dovecot does', async () => {
    const mailstead = await runScript(servers.ours);
    const reference = await runScript(servers.theirs);
    const steps = Object.keys(ANSWERS);
    expect(Object.keys(mailstead)).toEqual(steps);
    expect(steps.map((step) => ({ step, answer: mailstead[step] }))).toEqual(steps.map((step) => ({ step, answer: reference[step] })));
    expect(steps.map((step) => ({ step, answer: reference[step] }))).toEqual(steps.map((step) => ({ step, answer: ANSWERS[step] })));
  });
});
