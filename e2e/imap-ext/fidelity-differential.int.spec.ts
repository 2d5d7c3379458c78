import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import type { RawImap } from '../imap/imap-harness';
import { startDifferential, type DifferentialServers, type Target } from './differential-targets';

/**
 * Issue 18's defects found against Dovecot, one script each, run identically on Debian's Dovecot
 * and on Mailstead. Each script records what matters of the answers; Mailstead must agree with
 * Dovecot, and Dovecot with the answers written out here (so a script that observes nothing on
 * both sides cannot pass).
 */
let servers: DifferentialServers;

beforeAll(async () => {
  servers = await startDifferential();
});

afterAll(async () => {
  await servers?.stop();
});

type Observations = Record<string, string[]>;

async function append(c: RawImap, tag: string, mailbox: string, n: number): Promise<void> {
  const raw = sampleMessage(n).toString('latin1');
  await c.ok(tag, `APPEND ${mailbox} {${Buffer.byteLength(raw, 'latin1')}+}\r\n${raw}`);
}

function lines(reply: string, pattern: RegExp): string[] {
  return reply.split('\r\n').filter((line) => pattern.test(line));
}

/** The tagged line's status (and response code), without the human text. */
function status(reply: string, tag: string): string {
  const m = new RegExp(`^${tag} (OK|NO|BAD)( \\[[^\\]]*\\])?`, 'm').exec(reply);
  return m ? `${m[1]}${m[2] ?? ''}` : 'none';
}

async function compare(script: (target: Target) => Promise<Observations>, answers: Observations): Promise<void> {
  const mailstead = await script(servers.ours);
  const reference = await script(servers.theirs);
  const steps = Object.keys(answers);
  expect(Object.keys(mailstead)).toEqual(steps);
  expect(steps.map((step) => ({ step, answer: mailstead[step] }))).toEqual(steps.map((step) => ({ step, answer: reference[step] })));
  expect(steps.map((step) => ({ step, answer: reference[step] }))).toEqual(steps.map((step) => ({ step, answer: answers[step] })));
}

describe('differential: EXAMINE and \\Recent (RFC 3501 6.3.2)', () => {
  const MAILBOX = 'fid-recent';
  async function script(target: Target): Promise<Observations> {
    const o: Observations = {};
    const setup = await target.connect();
    await setup.ok('p0', `CREATE ${MAILBOX}`);
    await append(setup, 'p1', MAILBOX, 1);
    await append(setup, 'p2', MAILBOX, 2);
    o['STATUS RECENT'] = lines(await setup.ok('p3', `STATUS ${MAILBOX} (RECENT)`), /^\* STATUS/).map((l) => l.replace(/"/g, ''));
    const examiner = await target.connect();
    o['EXAMINE'] = lines(await examiner.ok('e1', `EXAMINE ${MAILBOX}`), /RECENT$/);
    o['SEARCH RECENT after EXAMINE'] = lines(await examiner.ok('e2', 'SEARCH RECENT'), /^\* SEARCH/);
    o['STATUS RECENT after EXAMINE'] = lines(await setup.ok('p4', `STATUS ${MAILBOX} (RECENT)`), /^\* STATUS/).map((l) => l.replace(/"/g, ''));
    const selecter = await target.connect();
    o['SELECT'] = lines(await selecter.ok('s1', `SELECT ${MAILBOX}`), /RECENT$/);
    o['EXAMINE after SELECT'] = lines(await examiner.ok('e3', `EXAMINE ${MAILBOX}`), /RECENT$/);
    for (const c of [setup, examiner, selecter]) c.close();
    return o;
  }

  it('EXAMINE reports the RECENT count SELECT then reports, and claims none of it', async () => {
    await compare(script, {
      'STATUS RECENT': [`* STATUS ${MAILBOX} (RECENT 2)`],
      EXAMINE: ['* 2 RECENT'],
      'SEARCH RECENT after EXAMINE': ['* SEARCH 1 2'],
      'STATUS RECENT after EXAMINE': [`* STATUS ${MAILBOX} (RECENT 2)`],
      SELECT: ['* 2 RECENT'],
      'EXAMINE after SELECT': ['* 0 RECENT'],
    });
  });
});

describe('differential: LIST RETURN options (RFC 5258 3)', () => {
  async function script(target: Target): Promise<Observations> {
    const c = await target.connect();
    const o: Observations = {};
    for (const [tag, command] of [
      ['l1', 'LIST "" "" RETURN (XUNKNOWN)'],
      ['l2', 'LIST "" "*" RETURN (SUBSCRIBED XUNKNOWN)'],
      ['l3', 'LIST "" "INBOX" RETURN (CHILDREN SUBSCRIBED SPECIAL-USE)'],
    ] as const) {
      o[command] = [status(await c.command(tag, command), tag)];
    }
    c.close();
    return o;
  }

  it('answers BAD to an unknown return option and OK to the known ones', async () => {
    await compare(script, {
      'LIST "" "" RETURN (XUNKNOWN)': ['BAD'],
      'LIST "" "*" RETURN (SUBSCRIBED XUNKNOWN)': ['BAD'],
      'LIST "" "INBOX" RETURN (CHILDREN SUBSCRIBED SPECIAL-USE)': ['OK'],
    });
  });
});

describe('differential: atoms with "~" and "[" (RFC 3501 9 ATOM-CHAR)', () => {
  async function script(target: Target): Promise<Observations> {
    const c = await target.connect();
    const o: Observations = {};
    // Dovecot refuses names starting with "~" (its home-directory syntax, NO [CANNOT]) where
    // Mailstead creates them; what both must agree on is that the command parses (not BAD).
    for (const [tag, command] of [
      ['t1', 'SELECT ~fid-none'],
      ['t2', 'CREATE ~fid-bar'],
      ['t3', 'LIST "" ~fid-bar'],
    ] as const) {
      o[command] = [status(await c.command(tag, command), tag) === 'BAD' ? 'BAD' : 'parsed'];
    }
    await c.ok('t4', 'CREATE fid[x]');
    await append(c, 't5', 'fid[x]', 1);
    for (const [tag, command] of [
      ['t6', 'LIST "" [px*'],
      ['t7', 'LIST "" fid[*'],
      ['t8', 'STATUS fid[x] (MESSAGES)'],
      ['t9', 'SELECT fid[x]'],
      ['t10', 'FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])'],
    ] as const) {
      const reply = await c.command(tag, command);
      const seen = lines(reply, /^\* (LIST|STATUS|\d+ FETCH) /).map((l) => l.replace(/"/g, '').replace(/ [./] /, ' '));
      o[command] = [status(reply, tag).replace(/ \[.*/, ''), ...seen];
    }
    c.close();
    return o;
  }

  it('reads them as atoms, not as literal8 or a section', async () => {
    await compare(script, {
      'SELECT ~fid-none': ['parsed'],
      'CREATE ~fid-bar': ['parsed'],
      'LIST "" ~fid-bar': ['parsed'],
      'LIST "" [px*': ['OK'],
      'LIST "" fid[*': ['OK', '* LIST (\\HasNoChildren) fid[x]'],
      'STATUS fid[x] (MESSAGES)': ['OK', '* STATUS fid[x] (MESSAGES 1)'],
      'SELECT fid[x]': ['OK'],
      'FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])': ['OK', '* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {27}'],
    });
  });
});

describe('differential: UIDs past 2^31 (RFC 3501 9 nz-number)', () => {
  const MAILBOX = 'fid-biguid';
  async function script(target: Target): Promise<Observations> {
    const c = await target.connect();
    await c.ok('b0', `CREATE ${MAILBOX}`);
    await append(c, 'b1', MAILBOX, 1);
    await c.ok('b2', `SELECT ${MAILBOX}`);
    const o: Observations = {};
    for (const [tag, command] of [
      ['b3', 'UID SEARCH UID 3000000000'],
      ['b4', 'UID SEARCH UID 2147483648:4294967295'],
      ['b5', 'UID SEARCH UID 1:4294967295'],
      ['b6', 'UID FETCH 4294967295 (FLAGS)'],
      ['b7', 'FETCH 1 (BODY.PEEK[TEXT]<3000000000.10>)'],
    ] as const) {
      const reply = await c.command(tag, command);
      o[command] = [status(reply, tag), ...lines(reply, /^\* /)];
    }
    c.close();
    return o;
  }

  it('answers searches and fetches of UIDs up to 4,294,967,295', async () => {
    await compare(script, {
      'UID SEARCH UID 3000000000': ['OK', '* SEARCH'],
      'UID SEARCH UID 2147483648:4294967295': ['OK', '* SEARCH'],
      'UID SEARCH UID 1:4294967295': ['OK', '* SEARCH 1'],
      'UID FETCH 4294967295 (FLAGS)': ['OK'],
      'FETCH 1 (BODY.PEEK[TEXT]<3000000000.10>)': ['OK', '* 1 FETCH (BODY[TEXT]<3000000000> {0}'],
    });
  });
});

describe('differential: UIDVALIDITY of a name deleted and created again (RFC 3501 2.3.1.1)', () => {
  const MAILBOX = 'fid-again';
  async function script(target: Target): Promise<Observations> {
    const c = await target.connect();
    const o: Observations = {};
    const validities: number[] = [];
    // Three rounds within a second or two: a clock of seconds alone would repeat itself.
    for (let round = 1; round <= 3; round++) {
      await c.ok(`v${round}a`, `CREATE ${MAILBOX}`);
      await append(c, `v${round}b`, MAILBOX, round);
      const reply = await c.ok(`v${round}c`, `STATUS ${MAILBOX} (UIDNEXT UIDVALIDITY)`);
      const m = /UIDNEXT (\d+) UIDVALIDITY (\d+)/.exec(reply) ?? /UIDVALIDITY (\d+) UIDNEXT (\d+)/.exec(reply);
      validities.push(Number(/UIDVALIDITY (\d+)/.exec(reply)?.[1]));
      o[`round ${round} UIDNEXT`] = [m ? /UIDNEXT (\d+)/.exec(reply)![1]! : 'none'];
      await c.ok(`v${round}d`, `DELETE ${MAILBOX}`);
    }
    o['UIDVALIDITY strictly increasing'] = [String(validities.every((v, i) => v >= 1 && v <= 4294967295 && (i === 0 || v > validities[i - 1]!)))];
    c.close();
    return o;
  }

  it('gives the new mailbox a new UIDVALIDITY each time', async () => {
    await compare(script, {
      'round 1 UIDNEXT': ['2'],
      'round 2 UIDNEXT': ['2'],
      'round 3 UIDNEXT': ['2'],
      'UIDVALIDITY strictly increasing': ['true'],
    });
  });
});

describe('differential: FETCH of a message another session expunged (RFC 2180 4.1)', () => {
  const MAILBOX = 'fid-gone';
  async function script(target: Target): Promise<Observations> {
    const setup = await target.connect();
    await setup.ok('g0', `CREATE ${MAILBOX}`);
    for (const n of [1, 2, 3]) await append(setup, `g${n}`, MAILBOX, n);
    const a = await target.connect();
    await a.ok('a0', `SELECT ${MAILBOX}`);
    const b = await target.connect();
    await b.ok('b0', `SELECT ${MAILBOX}`);
    await b.ok('b1', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
    await b.ok('b2', 'EXPUNGE');
    const reply = await a.command('a1', 'FETCH 1:3 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
    // Either the real header (4.1.1) or nothing (4.1.2) for the expunged one; never other data.
    const o: Observations = {};
    for (const seq of [1, 2, 3]) {
      const m = new RegExp(`\\* ${seq} FETCH \\(BODY\\[HEADER\\.FIELDS \\(SUBJECT\\)\\] \\{\\d+\\}\\r\\n([^\\r]*)\\r\\n`).exec(reply);
      const real = m?.[1] === `Subject: Test message ${seq}`;
      o[`message ${seq}`] = [seq === 2 ? (m ? (real ? 'real or absent' : 'invented') : 'real or absent') : real ? 'real' : 'missing'];
    }
    o['tagged'] = [status(reply, 'a1')];
    for (const c of [setup, a, b]) c.close();
    return o;
  }

  it('serves the real data or leaves the message out, never empty data', async () => {
    await compare(script, {
      'message 1': ['real'],
      'message 2': ['real or absent'],
      'message 3': ['real'],
      tagged: ['OK [EXPUNGEISSUED]'],
    });
  });
});

describe('differential: THREAD REFERENCES with a reference loop (RFC 5256 step 1.B)', () => {
  const MAILBOX = 'fid-thread';
  const message = (n: number, minute: number, references: string) =>
    [
      `From: a@example.test`,
      `Subject: loop ${n}`,
      `Date: Sun, 22 Nov 2026 12:${String(minute).padStart(2, '0')}:00 +0000`,
      `Message-ID: <loop-${n}@example.test>`,
      ...(references ? [`References: ${references}`] : []),
      '',
      `Body ${n}`,
      '',
    ].join('\r\n');

  async function script(target: Target): Promise<Observations> {
    const c = await target.connect();
    await c.ok('h0', `CREATE ${MAILBOX}`);
    // 2 makes 3 a child of 1 (step 1.A); 3's own last reference is 2, its child.
    const raws = [message(1, 10, ''), message(2, 2, '<loop-1@example.test> <loop-3@example.test>'), message(3, 3, '<loop-2@example.test>')];
    for (const [i, raw] of raws.entries()) await c.ok(`h${i + 1}`, `APPEND ${MAILBOX} {${raw.length}+}\r\n${raw}`);
    await c.ok('h4', `SELECT ${MAILBOX}`);
    const o: Observations = { THREAD: lines(await c.ok('h5', 'THREAD REFERENCES US-ASCII ALL'), /^\* THREAD/) };
    c.close();
    return o;
  }

  it('breaks the old parent link before refusing the loop', async () => {
    await compare(script, { THREAD: ['* THREAD (3 2)(1)'] });
  });
});
