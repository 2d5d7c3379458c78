import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { RawImap, startImapServer, type ImapTestServer } from './imap-harness';

// RFC 3501 2.3.2: a message is \Recent in exactly one session — the first one told about it.
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

async function session(port = t.port): Promise<RawImap> {
  const c = await RawImap.connect(port);
  await c.login();
  return c;
}

function recentOf(response: string): number {
  const m = /\* (\d+) RECENT\r\n/.exec(response);
  if (!m) throw new Error(`no RECENT in ${response}`);
  return Number(m[1]);
}

describe('\\Recent', () => {
  it('the first SELECT claims new messages; EXAMINE reports them without claiming; a second SELECT sees none; STATUS RECENT counts unclaimed ones', async () => {
    const box = (await t.store.mailboxes.create(t.aliceId, 'Fresh')).id;
    await t.store.messages.append(box, [1, 2, 3].map((n) => ({ raw: sampleMessage(n) })));
    const observer = await session();
    expect(await observer.command('s1', 'STATUS Fresh (MESSAGES RECENT)')).toBe('* STATUS "Fresh" (MESSAGES 3 RECENT 3)\r\ns1 OK STATUS completed\r\n');

    // EXAMINE reports what SELECT would but does not claim (RFC 3501 6.3.2): the messages stay
    // \Recent for the next SELECT.
    const examiner = await session();
    expect(recentOf(await examiner.command('e1', 'EXAMINE Fresh'))).toBe(3);
    expect(await examiner.command('e2', 'SEARCH RECENT')).toBe('* SEARCH 1 2 3\r\ne2 OK SEARCH completed\r\n');
    expect(await observer.command('s2', 'STATUS Fresh (RECENT)')).toBe('* STATUS "Fresh" (RECENT 3)\r\ns2 OK STATUS completed\r\n');
    expect(recentOf(await examiner.command('e3', 'EXAMINE Fresh'))).toBe(3);

    const a = await session();
    expect(recentOf(await a.command('a1', 'SELECT Fresh'))).toBe(3);
    expect(await a.command('a2', 'FETCH 1:3 FLAGS')).toBe(
      '* 1 FETCH (FLAGS (\\Recent))\r\n* 2 FETCH (FLAGS (\\Recent))\r\n* 3 FETCH (FLAGS (\\Recent))\r\na2 OK FETCH completed\r\n',
    );
    expect(await a.command('a3', 'SEARCH RECENT')).toBe('* SEARCH 1 2 3\r\na3 OK SEARCH completed\r\n');
    expect(await a.command('a4', 'STATUS Fresh (RECENT)')).toBe('* STATUS "Fresh" (RECENT 3)\r\na4 OK STATUS completed\r\n');

    const b = await session();
    expect(recentOf(await b.command('b1', 'SELECT Fresh'))).toBe(0);
    expect(await b.command('b2', 'FETCH 1 FLAGS')).toBe('* 1 FETCH (FLAGS ())\r\nb2 OK FETCH completed\r\n');
    expect(await b.command('b3', 'SEARCH RECENT')).toBe('* SEARCH\r\nb3 OK SEARCH completed\r\n');
    expect(await b.command('b4', 'SEARCH OLD')).toBe('* SEARCH 1 2 3\r\nb4 OK SEARCH completed\r\n');
    expect(await observer.command('s3', 'STATUS Fresh (RECENT)')).toBe('* STATUS "Fresh" (RECENT 0)\r\ns3 OK STATUS completed\r\n');

    // \Recent belongs to the session: the client cannot store or remove it, and it survives STORE.
    expect(await a.command('a5', 'STORE 1 +FLAGS (\\Seen)')).toBe('* 1 FETCH (FLAGS (\\Seen \\Recent))\r\na5 OK STORE completed\r\n');
    expect(await a.command('a6', 'SEARCH NEW')).toBe('* SEARCH 2 3\r\na6 OK SEARCH completed\r\n');
    expect(await a.command('a7', 'SEARCH OLD')).toBe('* SEARCH\r\na7 OK SEARCH completed\r\n');
    // Expunged messages leave the count.
    expect(await a.command('a8', 'STORE 3 +FLAGS.SILENT (\\Deleted)')).toMatch(/a8 OK/);
    expect(await a.command('a9', 'EXPUNGE')).toBe('* 3 EXPUNGE\r\na9 OK EXPUNGE completed\r\n');
    expect(await a.command('a10', 'STATUS Fresh (MESSAGES RECENT)')).toBe('* STATUS "Fresh" (MESSAGES 2 RECENT 2)\r\na10 OK STATUS completed\r\n');
    for (const c of [observer, examiner, a, b]) c.close();
  });

  it('a message delivered while two sessions have the mailbox selected is \\Recent in exactly one of them', async () => {
    const box = (await t.store.mailboxes.create(t.aliceId, 'Race')).id;
    const a = await session();
    const b = await session();
    expect(recentOf(await a.command('a1', 'SELECT Race'))).toBe(0);
    expect(recentOf(await b.command('b1', 'SELECT Race'))).toBe(0);
    await t.store.messages.append(box, [{ raw: sampleMessage(10) }]);
    const [ra, rb] = await Promise.all([a.command('a2', 'NOOP'), b.command('b2', 'NOOP')]);
    expect(ra).toContain('* 1 EXISTS\r\n');
    expect(rb).toContain('* 1 EXISTS\r\n');
    expect(recentOf(ra) + recentOf(rb)).toBe(1);
    const [fa, fb] = await Promise.all([a.command('a3', 'FETCH 1 FLAGS'), b.command('b3', 'FETCH 1 FLAGS')]);
    expect([fa.includes('\\Recent'), fb.includes('\\Recent')].filter(Boolean)).toHaveLength(1);
    // A session that reselects does not reclaim: nobody else will see it as \Recent again.
    const winner = recentOf(ra) === 1 ? a : b;
    expect(recentOf(await winner.command('w1', 'SELECT Race'))).toBe(0);
    a.close();
    b.close();
  });

  it('two server processes on one database, both IDLE: the delivered message is \\Recent in one session only', async () => {
    const peer = await t.startPeer();
    const box = (await t.store.mailboxes.create(t.aliceId, 'TwoProcs')).id;
    const a = await session();
    const b = await session(peer.port);
    expect(recentOf(await a.command('a1', 'SELECT TwoProcs'))).toBe(0);
    expect(recentOf(await b.command('b1', 'SELECT TwoProcs'))).toBe(0);
    for (const [c, tag] of [[a, 'i1'], [b, 'i2']] as const) {
      c.write(`${tag} IDLE\r\n`);
      await c.until((x) => x.startsWith('+ '));
      c.take();
    }
    await t.store.messages.append(box, [{ raw: sampleMessage(20) }]);
    await Promise.all([a.until((x) => x.includes('RECENT\r\n')), b.until((x) => x.includes('RECENT\r\n'))]);
    const [ra, rb] = [a.take(), b.take()];
    expect(ra).toContain('* 1 EXISTS\r\n');
    expect(rb).toContain('* 1 EXISTS\r\n');
    expect(recentOf(ra) + recentOf(rb)).toBe(1);
    a.close();
    b.close();
    await peer.close();
  });
});
