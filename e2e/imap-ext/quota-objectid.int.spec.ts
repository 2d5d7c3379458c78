import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, LoginThrottle } from '@mailstead/auth';
import { ImapMailStore, ImapServer } from '@mailstead/imap';
import { redisUrl, sampleMessage } from '@mailstead/testing';
import { BOB, imapAuthenticator, RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/**
 * QUOTA (RFC 9208), MULTIAPPEND (RFC 3502), OBJECTID (RFC 8474), PREVIEW (RFC 8970) and STATUS
 * SIZE/MAILBOXID as raw transcripts against the real server.
 */
let t: ImapTestServer;
/** A second server on the same database with a MESSAGE quota of 5 per account. */
let limited: { server: ImapServer; port: number; redis: Redis };

beforeAll(async () => {
  t = await startImapServer();
  const redis = new Redis(redisUrl());
  const throttle = new LoginThrottle(redis, { maxFailuresPerIp: 1000, maxFailuresPerAccount: 50, windowSeconds: 60 }, `imap-ext-quota:${t.db.name}`);
  const server = new ImapServer({
    store: new ImapMailStore(t.store, t.feed),
    authenticator: imapAuthenticator(new Authenticator(t.store, throttle)),
    hostname: 'imap.test',
    messageQuota: 5,
  });
  const { port } = await server.listen('imap', '127.0.0.1', 0, false);
  limited = { server, port, redis };
});

afterAll(async () => {
  await limited?.server.close();
  limited?.redis.disconnect();
  await t?.close();
});

async function cmd(c: RawImap, tag: string, text: string): Promise<string> {
  return (await c.command(tag, text)).replace(/ ?\\Recent/g, '');
}

function literal(raw: Buffer | string): string {
  return `{${Buffer.byteLength(raw)}+}\r\n${raw.toString()}`;
}

describe('QUOTA (RFC 9208)', () => {
  it('GETQUOTAROOT / GETQUOTA report STORAGE in KiB against the account limit; APPEND over it is NO [OVERQUOTA]', async () => {
    await t.store.accounts.setQuota(BOB.address, 4096);
    const c = await RawImap.connect(t.port);
    await c.login(BOB);
    expect(await cmd(c, 'a0', 'CAPABILITY')).toMatch(/ QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE /);
    expect(await cmd(c, 'a1', 'GETQUOTAROOT INBOX')).toBe('* QUOTAROOT "INBOX" ""\r\n* QUOTA "" (STORAGE 0 4)\r\na1 OK GETQUOTAROOT completed\r\n');
    const small = sampleMessage(1);
    expect(await cmd(c, 'a2', `APPEND INBOX ${literal(small)}`)).toMatch(/^a2 OK \[APPENDUID \d+ 1\]/);
    expect(await cmd(c, 'a3', 'GETQUOTA ""')).toBe('* QUOTA "" (STORAGE 1 4)\r\na3 OK GETQUOTA completed\r\n');
    const big = sampleMessage(2, { body: 'x'.repeat(5000) });
    expect(await cmd(c, 'a4', `APPEND INBOX ${literal(big)}`)).toMatch(/^a4 NO \[OVERQUOTA\] /);
    expect(await cmd(c, 'a5', 'STATUS INBOX (MESSAGES SIZE)')).toBe(`* STATUS "INBOX" (MESSAGES 1 SIZE ${small.length})\r\na5 OK STATUS completed\r\n`);
    expect(await cmd(c, 'a6', 'GETQUOTA "other"')).toMatch(/^a6 NO /);
    expect(await cmd(c, 'a7', 'GETQUOTAROOT Nope')).toMatch(/^a7 NO \[NONEXISTENT\]/);
    // The store checks again inside its transaction: a COPY that does not fit fails the same way.
    await cmd(c, 'a8', 'SELECT INBOX');
    await t.store.accounts.setQuota(BOB.address, small.length + 10);
    expect(await cmd(c, 'a9', 'COPY 1 INBOX')).toMatch(/^a9 NO \[OVERQUOTA\] /);
    await t.store.accounts.setQuota(BOB.address, 0);
    expect(await cmd(c, 'a10', 'GETQUOTA ""')).toBe('* QUOTA "" ()\r\na10 OK GETQUOTA completed\r\n');
    c.close();
  });

  it('the MESSAGE resource counts messages against the configured per-account limit', async () => {
    const c = await RawImap.connect(limited.port);
    await c.login();
    await cmd(c, 'b0', 'CREATE quota-msgs');
    const r = await cmd(c, 'b1', 'GETQUOTA ""');
    const m = /^\* QUOTA "" \(MESSAGE (\d+) 5\)\r\n/.exec(r);
    expect(m, r).not.toBeNull();
    const room = 5 - Number(m![1]);
    for (let i = 0; i < room; i++) expect(await cmd(c, `b2${i}`, `APPEND quota-msgs ${literal(sampleMessage(i))}`)).toMatch(/ OK /);
    expect(await cmd(c, 'b3', 'GETQUOTA ""')).toBe('* QUOTA "" (MESSAGE 5 5)\r\nb3 OK GETQUOTA completed\r\n');
    expect(await cmd(c, 'b4', `APPEND quota-msgs ${literal(sampleMessage(9))}`)).toMatch(/^b4 NO \[OVERQUOTA\] /);
    c.close();
  });
});

describe('MULTIAPPEND (RFC 3502)', () => {
  it('appends several messages in one command with one APPENDUID set; all or nothing', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    await cmd(c, 'c0', 'CREATE multi');
    const m1 = sampleMessage(1);
    const m2 = sampleMessage(2);
    const m3 = sampleMessage(3);
    const r = await cmd(c, 'c1', `APPEND multi (\\Seen) ${literal(m1)} ${literal(m2)} (\\Flagged) "01-Feb-2026 10:00:00 +0100" ${literal(m3)}`);
    expect(r).toMatch(/^c1 OK \[APPENDUID \d+ 1:3\] APPEND completed\r\n$/);
    await cmd(c, 'c2', 'SELECT multi');
    const f = await cmd(c, 'c3', 'FETCH 1:* (FLAGS INTERNALDATE)');
    expect(f).toMatch(/\* 1 FETCH \(FLAGS \(\\Seen\) INTERNALDATE/);
    expect(f).toMatch(/\* 2 FETCH \(FLAGS \(\) INTERNALDATE/);
    expect(f).toMatch(/\* 3 FETCH \(FLAGS \(\\Flagged\) INTERNALDATE "01-Feb-2026 09:00:00 \+0000"\)/);
    // A bad date on the third message: nothing of the command is stored.
    expect(await cmd(c, 'c4', `APPEND multi ${literal(m1)} ${literal(m2)} "99-Foo-2026 10:00:00 +0100" ${literal(m3)}`)).toMatch(/^c4 BAD /);
    // Over quota with the whole batch: nothing stored either (RFC 3502 says atomic).
    const bob = await RawImap.connect(t.port);
    await bob.login(BOB);
    await t.store.accounts.setQuota(BOB.address, (await t.store.imapQuota.usage((await t.store.accounts.findByAddress(BOB.address))!.id))!.storageBytes + BigInt(m1.length + m2.length));
    expect(await cmd(bob, 'c5', `APPEND INBOX ${literal(m1)} ${literal(m2)} ${literal(m3)}`)).toMatch(/^c5 NO \[OVERQUOTA\] /);
    expect(await cmd(bob, 'c6', 'STATUS INBOX (MESSAGES)')).toMatch(/MESSAGES 1\)/);
    await t.store.accounts.setQuota(BOB.address, 0);
    bob.close();
    expect(await cmd(c, 'c7', 'NOOP')).not.toMatch(/EXISTS/);
    expect(await cmd(c, 'c8', 'CAPABILITY')).toMatch(/ MULTIAPPEND/);
    c.close();
  });
});

describe('OBJECTID (RFC 8474), PREVIEW (RFC 8970), STATUS SIZE / MAILBOXID', () => {
  it('MAILBOXID on CREATE, SELECT and STATUS; EMAILID and THREADID stay the same across COPY and MOVE', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    const created = await cmd(c, 'd1', 'CREATE oid-a');
    const id = /^d1 OK \[MAILBOXID \((M\d+)\)\] /.exec(created)?.[1];
    expect(id, created).toBeDefined();
    await cmd(c, 'd2', 'CREATE oid-b');
    expect(await cmd(c, 'd3', 'STATUS oid-a (MAILBOXID MESSAGES)')).toBe(`* STATUS "oid-a" (MAILBOXID (${id}) MESSAGES 0)\r\nd3 OK STATUS completed\r\n`);
    await cmd(c, 'd4', `APPEND oid-a ${literal(sampleMessage(1, { body: 'The quick brown fox jumps over the lazy dog.' }))}`);
    await cmd(c, 'd5', `APPEND oid-a ${literal(sampleMessage(2, { subject: 'Re: Test message 1', inReplyTo: '<x@y>' }))}`);
    const sel = await cmd(c, 'd6', 'SELECT oid-a');
    expect(sel).toMatch(new RegExp(`^\\* OK \\[MAILBOXID \\(${id}\\)\\]`, 'm'));
    const before = await cmd(c, 'd7', 'FETCH 1:2 (EMAILID THREADID)');
    const ids = [...before.matchAll(/EMAILID \((E\d+)\) THREADID \((T\d+)\)/g)].map((m) => [m[1], m[2]]);
    expect(ids).toHaveLength(2);
    expect(ids[0]![0]).not.toBe(ids[1]![0]);
    expect(await cmd(c, 'd8', 'FETCH 1 (PREVIEW)')).toBe('* 1 FETCH (PREVIEW "The quick brown fox jumps over the lazy dog.")\r\nd8 OK FETCH completed\r\n');
    expect(await cmd(c, 'd9', 'FETCH 1 (UID PREVIEW (LAZY))')).toMatch(/^\* 1 FETCH \(UID 1 PREVIEW "The quick brown fox/);
    expect(await cmd(c, 'd10', 'FETCH 1 (PREVIEW (EAGER))')).toMatch(/^d10 BAD /);
    await cmd(c, 'd11', 'COPY 1 oid-b');
    await cmd(c, 'd12', 'MOVE 2 oid-b');
    await cmd(c, 'd13', 'SELECT oid-b');
    const after = await cmd(c, 'd14', 'FETCH 1:2 (EMAILID THREADID)');
    expect([...after.matchAll(/EMAILID \((E\d+)\) THREADID \((T\d+)\)/g)].map((m) => [m[1], m[2]])).toEqual(ids);
    // RFC 8474 6: SEARCH EMAILID / THREADID find the moved and copied messages by their ids.
    expect(await cmd(c, 'd16', `UID SEARCH EMAILID ${ids[1]![0]}`)).toBe('* SEARCH 2\r\nd16 OK SEARCH completed\r\n');
    expect(await cmd(c, 'd17', `SEARCH THREADID ${ids[0]![1]}`)).toMatch(/^\* SEARCH 1( 2)?\r\n/);
    expect(await cmd(c, 'd18', 'SEARCH EMAILID E999999999')).toBe('* SEARCH\r\nd18 OK SEARCH completed\r\n');
    expect(await cmd(c, 'd19', 'SEARCH EMAILID T1')).toBe('* SEARCH\r\nd19 OK SEARCH completed\r\n');
    expect(await cmd(c, 'd20', 'SEARCH EMAILID bad*id')).toMatch(/^d20 BAD /);
    expect(await cmd(c, 'd15', 'CAPABILITY')).toMatch(/ OBJECTID PREVIEW/);
    c.close();
  });
});
