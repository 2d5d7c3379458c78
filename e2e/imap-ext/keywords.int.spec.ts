import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/**
 * FLAGS lists the keywords in use (RFC 3501 7.2.6, RFC 9051 7.3.5) and a session hears of a new
 * one before the FETCH or EXISTS that carries it: raw transcripts on a real server and Postgres,
 * with a second server process on the same database for "another session".
 */
let t: ImapTestServer;
let peerPort: number;

const SYSTEM = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';
const flagsPair = (keywords: string, readOnly = false) =>
  `* FLAGS (${SYSTEM}${keywords ? ` ${keywords}` : ''})\r\n` +
  (readOnly ? '* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n' : `* OK [PERMANENTFLAGS (${SYSTEM}${keywords ? ` ${keywords}` : ''} \\*)] Flags permitted\r\n`);

beforeAll(async () => {
  t = await startImapServer();
  peerPort = (await t.startPeer()).port;
});

afterAll(async () => {
  await t?.close();
});

async function mailbox(name: string, flags: string[][]): Promise<number> {
  const box = await t.store.mailboxes.create(t.aliceId, name);
  // One append per message: each introduces its keywords at its own MODSEQ.
  for (const [i, f] of flags.entries()) await t.store.messages.append(box.id, [{ raw: sampleMessage(i + 1), flags: f }]);
  // Claimed as \Recent by nobody under test, so the transcripts carry no \Recent.
  await t.store.imap.selectView(box.id, true, 0);
  return box.id;
}

async function session(port = t.port): Promise<RawImap> {
  const c = await RawImap.connect(port);
  await c.login();
  return c;
}

/** The reply begins with `start` (compared as text, so a failure shows both), after any [CLOSED] of the previous mailbox. */
function expectStart(reply: string, start: string): void {
  expect(reply.replace(/^\* OK \[CLOSED\][^\r\n]*\r\n/, '').slice(0, start.length)).toBe(start);
}

/** The reply without the tagged line: the untagged responses, in order. */
function untagged(reply: string): string {
  return reply.replace(/[^\r\n]+\r\n$/, '');
}

describe('SELECT / EXAMINE', () => {
  it('FLAGS lists the system flags and every keyword in the mailbox, in order of first use; PERMANENTFLAGS adds \\*, and is () for EXAMINE', async () => {
    await mailbox('kw-select', [['$Forwarded', 'NonJunk'], ['\\Seen', '$MDNSent'], [], ['$Forwarded', '$label1']]);
    const c = await session();
    const r = await c.ok('s1', 'SELECT kw-select');
    // The first message brought two keywords at one MODSEQ: those two come by name.
    expectStart(r, flagsPair('$Forwarded NonJunk $MDNSent $label1'));
    expect(r).toContain('* 4 EXISTS\r\n');
    expect(r).toMatch(/s1 OK \[READ-WRITE\]/);
    const e = await c.ok('s2', 'EXAMINE kw-select');
    expectStart(e, flagsPair('$Forwarded NonJunk $MDNSent $label1', true));
    // An APPEND with a keyword feeds the list too.
    const raw = sampleMessage(9).toString('latin1');
    await c.ok('s3', `APPEND kw-select (\\Flagged Appended) {${raw.length}+}\r\n${raw}`);
    expectStart(await c.ok('s4', 'SELECT kw-select'), flagsPair('$Forwarded NonJunk $MDNSent $label1 Appended'));
    // A mailbox without keywords: the system flags alone.
    expectStart(await c.ok('s5', 'SELECT INBOX'), flagsPair(''));
    c.close();
  });

  it('COPY and MOVE carry the keywords into the target mailbox list', async () => {
    await mailbox('kw-copy-src', [['Alpha'], ['Beta'], ['Gamma']]);
    await t.store.mailboxes.create(t.aliceId, 'kw-copy-dst');
    const c = await session();
    await c.ok('c1', 'SELECT kw-copy-src');
    await c.ok('c2', 'COPY 1 kw-copy-dst');
    await c.ok('c3', 'MOVE 3 kw-copy-dst');
    expectStart(await c.ok('c4', 'EXAMINE kw-copy-dst'), flagsPair('Alpha Gamma', true));
    c.close();
  });

  it('keeps listing a keyword after its last message lost it (as Dovecot does)', async () => {
    await mailbox('kw-keep', [['Old'], []]);
    const c = await session();
    await c.ok('k1', 'SELECT kw-keep');
    await c.ok('k2', 'STORE 1 -FLAGS.SILENT (Old)');
    expect(await c.ok('k3', 'FETCH 1:* FLAGS')).not.toContain('Old');
    expectStart(await c.ok('k4', 'SELECT kw-keep'), flagsPair('Old'));
    c.close();
  });
});

describe('STORE', () => {
  it('a keyword new to the mailbox: FLAGS and PERMANENTFLAGS before the FETCH; a known one: the FETCH alone', async () => {
    await mailbox('kw-store', [['Known'], [], []]);
    const c = await session();
    await c.ok('t1', 'SELECT kw-store');
    expect(await c.command('t2', 'STORE 2 +FLAGS (NewTag)')).toBe(`${flagsPair('Known NewTag')}* 2 FETCH (FLAGS (NewTag))\r\nt2 OK STORE completed\r\n`);
    expect(await c.command('t3', 'STORE 3 +FLAGS (NewTag Known)')).toBe('* 3 FETCH (FLAGS (NewTag Known))\r\nt3 OK STORE completed\r\n');
    // .SILENT answers no FETCH, but the list still changed (RFC 3501 7.2.6).
    expect(await c.command('t4', 'UID STORE 1 +FLAGS.SILENT (Quiet)')).toBe(`${flagsPair('Known NewTag Quiet')}t4 OK STORE completed\r\n`);
    // FLAGS (replace) with a new keyword, several messages: announced once, before the first FETCH.
    expect(await c.command('t5', 'STORE 1:2 FLAGS (\\Seen Replaced)')).toBe(
      `${flagsPair('Known NewTag Quiet Replaced')}* 1 FETCH (FLAGS (\\Seen Replaced))\r\n* 2 FETCH (FLAGS (\\Seen Replaced))\r\nt5 OK STORE completed\r\n`,
    );
    // \Recent and system flags are never keywords.
    expect(await c.command('t6', 'STORE 3 +FLAGS (\\Flagged)')).toBe('* 3 FETCH (FLAGS (\\Flagged NewTag Known))\r\nt6 OK STORE completed\r\n');
    c.close();
  });

  it('with CONDSTORE, the FLAGS update still comes first, and only for keywords the STORE really set', async () => {
    await mailbox('kw-condstore', [[], []]);
    const c = await session();
    await c.ok('u1', 'SELECT kw-condstore (CONDSTORE)');
    // UNCHANGEDSINCE 0 changes nothing: no keyword appears, no FLAGS update.
    expect(untagged(await c.command('u2', 'STORE 1 (UNCHANGEDSINCE 0) +FLAGS (Never)'))).toBe('');
    const r = await c.command('u3', 'UID STORE 2 +FLAGS.SILENT (Cond)');
    expectStart(r, flagsPair('Cond'));
    expect(r).toMatch(/^\* 2 FETCH \(UID 2 MODSEQ \(\d+\)\)\r$/m);
    c.close();
  });
});

describe('changes by other sessions', () => {
  it("another process's keyword reaches a selected session at NOOP, before the FETCH; a read-only one gets PERMANENTFLAGS ()", async () => {
    await mailbox('kw-other', [['First'], []]);
    const a = await session();
    const r = await session();
    const b = await session(peerPort);
    await a.ok('a1', 'SELECT kw-other');
    await r.ok('r1', 'EXAMINE kw-other');
    await b.ok('b1', 'SELECT kw-other');
    await b.ok('b2', 'STORE 2 +FLAGS.SILENT (FromPeer)');
    expect(untagged(await a.ok('a2', 'NOOP'))).toBe(`${flagsPair('First FromPeer')}* 2 FETCH (UID 2 FLAGS (FromPeer))\r\n`);
    expect(untagged(await r.ok('r2', 'NOOP'))).toBe(`${flagsPair('First FromPeer', true)}* 2 FETCH (UID 2 FLAGS (FromPeer))\r\n`);
    // Already announced: a second message with it is a FETCH alone.
    await b.ok('b3', 'STORE 1 +FLAGS.SILENT (FromPeer)');
    expect(untagged(await a.ok('a3', 'NOOP'))).toBe('* 1 FETCH (UID 1 FLAGS (First FromPeer))\r\n');
    // A new message with a new keyword: FLAGS before EXISTS (the client fetches it next).
    const raw = sampleMessage(7).toString('latin1');
    await b.ok('b4', `APPEND kw-other (Delivered) {${raw.length}+}\r\n${raw}`);
    const n = untagged(await a.ok('a4', 'NOOP'));
    expectStart(n, `${flagsPair('First FromPeer Delivered')}* 3 EXISTS\r\n`);
    for (const c of [a, r, b]) c.close();
  });

  it("a FETCH that meets another session's new keyword sends FLAGS and PERMANENTFLAGS before its FETCH lines (flags-only and general paths)", async () => {
    await mailbox('kw-fetch', [['First'], []]);
    const a = await session();
    const b = await session(peerPort);
    await a.ok('a1', 'SELECT kw-fetch');
    await b.ok('b1', 'SELECT kw-fetch');
    await b.ok('b2', 'STORE 2 +FLAGS.SILENT (SeenByFetch)');
    expectStart(untagged(await a.ok('a2', 'FETCH 2 (FLAGS)')), `${flagsPair('First SeenByFetch')}* 2 FETCH (FLAGS (SeenByFetch))\r\n`);
    await b.ok('b3', 'STORE 1 +FLAGS.SILENT (AlsoByFetch)');
    expectStart(untagged(await a.ok('a3', 'FETCH 1 (FLAGS RFC822.SIZE)')), `${flagsPair('First SeenByFetch AlsoByFetch')}* 1 FETCH (FLAGS (First AlsoByFetch) RFC822.SIZE `);
    for (const c of [a, b]) c.close();
  });

  it('an IDLE session is pushed FLAGS and PERMANENTFLAGS before the FETCH', async () => {
    await mailbox('kw-idle', [[]]);
    const a = await session();
    const b = await session(peerPort);
    await a.ok('i1', 'SELECT kw-idle');
    await b.ok('i2', 'SELECT kw-idle');
    a.write('i3 IDLE\r\n');
    await a.until((buf) => buf.includes('+ idling\r\n'));
    a.take();
    await b.ok('i4', 'STORE 1 +FLAGS.SILENT (ViaIdle)');
    await a.until((buf) => /FETCH[^\r\n]*\r\n/.test(buf));
    expect(a.take()).toBe(`${flagsPair('ViaIdle')}* 1 FETCH (UID 1 FLAGS (ViaIdle))\r\n`);
    a.write('DONE\r\n');
    expect(await a.response('i3')).toBe('i3 OK IDLE terminated\r\n');
    for (const c of [a, b]) c.close();
  });
});

describe('limits', () => {
  it('lists at most 256 keywords; a keyword beyond them is in FETCH only, with no FLAGS update', async () => {
    const id = await mailbox('kw-many', [[]]);
    const many = Array.from({ length: 300 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    await t.store.messages.updateFlags(id, [1], 'add', many);
    const c = await session();
    const r = await c.ok('m1', 'SELECT kw-many');
    expectStart(r, flagsPair(many.slice(0, 256).join(' ')));
    expect(await c.command('m2', 'STORE 1 FLAGS (Late)')).toBe('* 1 FETCH (FLAGS (Late))\r\nm2 OK STORE completed\r\n');
    c.close();
  });

  it('lists at most 8 KiB of keywords, and none that is not an atom (the store takes any string)', async () => {
    const long = (ch: string) => ch + 'x'.repeat(2999);
    const id = await mailbox('kw-bytes', [[long('a')], [long('b')], [long('c')], ['short'], []]);
    await t.store.messages.updateFlags(id, [5], 'add', ['has space', 'close]bracket', 'open[bracket', 'quote"d', 'été', 'fine']);
    const c = await session();
    const r = await c.ok('b1', 'SELECT kw-bytes');
    // 3,001 bytes each with its space: a and b fit in 8,192, c would not; the short ones still do.
    expectStart(r, flagsPair(`${long('a')} ${long('b')} short fine`));
    c.close();
  });

  it('STORE takes only atom keywords (libs/contracts isFlagKeyword, the rule the webmail API applies too)', async () => {
    await mailbox('kw-atoms', [[]]);
    const c = await session();
    await c.ok('k1', 'SELECT kw-atoms');
    for (const [tag, keyword] of [['k2', '50%'], ['k3', 'a*b'], ['k4', 'x]']] as const) {
      expect(await c.command(tag, `STORE 1 +FLAGS (${keyword})`)).toMatch(new RegExp(`^${tag} BAD `));
    }
    expect(await c.command('k5', 'STORE 1 +FLAGS ($Fine.1)')).toMatch(/k5 OK /);
    c.close();
  });
});
