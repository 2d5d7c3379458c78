import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, LoginThrottle } from '@mailstead/auth';
import { ImapMailStore, ImapServer } from '@mailstead/imap';
import { redisUrl, sampleMessage } from '@mailstead/testing';
import { BOB, imapAuthenticator, RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/**
 * QUOTA MESSAGE (RFC 9208 5.2) under concurrency: the server's APPEND pre-check alone lets two
 * sessions both see room for the last message; the store's atomic check is what keeps the
 * account at the limit. The server is wired as the IMAP role wires it (the limit on both).
 */
const LIMIT = 6;
let t: ImapTestServer;
let limited: { server: ImapServer; port: number; redis: Redis };

beforeAll(async () => {
  t = await startImapServer();
  const redis = new Redis(redisUrl());
  const throttle = new LoginThrottle(redis, { maxFailuresPerIp: 1000, maxFailuresPerAccount: 50, windowSeconds: 60 }, `imap-ext-message-quota:${t.db.name}`);
  const server = new ImapServer({
    store: new ImapMailStore(t.store, t.feed, { messageQuota: LIMIT }),
    authenticator: imapAuthenticator(new Authenticator(t.store, throttle)),
    hostname: 'imap.test',
    messageQuota: LIMIT,
  });
  const { port } = await server.listen('imap', '127.0.0.1', 0, false);
  limited = { server, port, redis };
});

afterAll(async () => {
  await limited?.server.close();
  limited?.redis.disconnect();
  await t?.close();
});

function literal(raw: Buffer): string {
  return `{${raw.length}+}\r\n${raw.toString('latin1')}`;
}

async function messageUsage(c: RawImap, tag: string): Promise<number> {
  const r = await c.command(tag, 'GETQUOTA ""');
  const m = new RegExp(`^\\* QUOTA "" \\(MESSAGE (\\d+) ${LIMIT}\\)\\r\\n${tag} OK`).exec(r);
  expect(m, r).not.toBeNull();
  return Number(m![1]);
}

describe('QUOTA MESSAGE with concurrent sessions (RFC 9208 5.2, 4.3)', () => {
  it('two connections appending past the limit at once: exactly the room left is stored, every other APPEND is NO [OVERQUOTA]', async () => {
    const [a, b, admin] = await Promise.all([RawImap.connect(limited.port), RawImap.connect(limited.port), RawImap.connect(limited.port)]);
    await Promise.all([a.login(BOB), b.login(BOB), admin.login(BOB)]);
    expect(await admin.command('s1', 'CREATE Spam')).toMatch(/^s1 OK/m);
    let n = 0;
    const append = (tag: string, mailbox: string) => `${tag} APPEND ${mailbox} ${literal(sampleMessage(++n, { subject: `race ${n}` }))}\r\n`;
    /** The tagged reply line of each tag, in order. */
    const collect = async (c: RawImap, tags: string[]) => {
      const out: string[] = [];
      for (const tag of tags) out.push((await c.response(tag)).split('\r\n').find((l) => l.startsWith(`${tag} `))!);
      return out;
    };
    /** Both connections write `each` APPENDs (LITERAL+, pipelined), to two mailboxes of the account, before either reads a reply. */
    const race = async (round: number, each: number) => {
      const tagsA = Array.from({ length: each }, (_, i) => `a${round}.${i}`);
      const tagsB = Array.from({ length: each }, (_, i) => `b${round}.${i}`);
      a.write(tagsA.map((tag) => append(tag, 'INBOX')).join(''));
      b.write(tagsB.map((tag) => append(tag, 'Spam')).join(''));
      const replies = (await Promise.all([collect(a, tagsA), collect(b, tagsB)])).flat();
      return {
        replies,
        ok: replies.filter((r) => / OK \[APPENDUID \d+ \d+\]/.test(r)).length,
        refused: replies.filter((r) => / NO \[OVERQUOTA\] /.test(r)).length,
      };
    };
    const statusCount = async (tag: string, mailbox: string) => Number(/MESSAGES (\d+)/.exec(await admin.command(tag, `STATUS ${mailbox} (MESSAGES)`))![1]);

    // From empty: each connection sends as many as fit, twice the room in all.
    const room = LIMIT - (await messageUsage(admin, 's2'));
    expect(room).toBeGreaterThan(1);
    const first = await race(0, room);
    expect(first.ok, first.replies.join('\n')).toBe(room);
    expect(first.refused, first.replies.join('\n')).toBe(room);
    expect(await messageUsage(admin, 's3')).toBe(LIMIT);
    expect((await statusCount('s4', 'INBOX')) + (await statusCount('s5', 'Spam'))).toBe(LIMIT);

    // Then, again and again, one message of room and one APPEND from each connection: both
    // sessions' pre-checks see room for one, only one of them may store it.
    for (let round = 1; round <= 8; round++) {
      const full = (await statusCount(`r${round}s`, 'Spam')) > 0 ? 'Spam' : 'INBOX';
      await admin.command(`r${round}a`, `SELECT ${full}`);
      await admin.command(`r${round}b`, 'STORE 1 +FLAGS.SILENT (\\Deleted)');
      await admin.command(`r${round}c`, 'CLOSE');
      expect(await messageUsage(admin, `r${round}d`)).toBe(LIMIT - 1);
      const result = await race(round, 1);
      expect(result, result.replies.join('\n')).toMatchObject({ ok: 1, refused: 1 });
      expect(await messageUsage(admin, `r${round}e`)).toBe(LIMIT);
    }
    expect((await statusCount('s6', 'INBOX')) + (await statusCount('s7', 'Spam'))).toBe(LIMIT);
    a.close();
    b.close();
    admin.close();
  });

  it('at the limit COPY is NO [OVERQUOTA] and stores nothing; MOVE is allowed', async () => {
    const c = await RawImap.connect(limited.port);
    await c.login(BOB);
    expect(await messageUsage(c, 'c0')).toBe(LIMIT);
    await c.command('c1', 'CREATE Kept');
    await c.command('c2', 'SELECT INBOX');
    expect(await c.command('c3', 'COPY 1 Kept')).toMatch(/^c3 NO \[OVERQUOTA\] /m);
    expect(await c.command('c4', 'STATUS Kept (MESSAGES UIDNEXT)')).toMatch(/\(MESSAGES 0 UIDNEXT 1\)/);
    expect(await c.command('c5', 'MOVE 1 Kept')).toMatch(/^c5 OK /m);
    expect(await c.command('c6', 'STATUS Kept (MESSAGES)')).toMatch(/\(MESSAGES 1\)/);
    expect(await messageUsage(c, 'c7')).toBe(LIMIT);
    c.close();
  });
});
