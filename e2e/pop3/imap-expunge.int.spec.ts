import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, LoginThrottle } from '@mailstead/auth';
import { Pop3Server, RedisLoginDelayGate, RedisMaildropLock, RedisWireSizeCache, storeMailStore } from '@mailstead/pop3';
import { redisUrl, sampleMessage } from '@mailstead/testing';
import { ALICE, RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';
import { RawPop3, testCertificate } from './harness';

let imap: ImapTestServer;
let pop3: Pop3Server;
let pop3Port: number;
let redis: Redis;

beforeAll(async () => {
  imap = await startImapServer();
  redis = new Redis(redisUrl());
  const prefix = `test:${imap.db.name}`;
  pop3 = new Pop3Server({
    hostname: 'pop.test',
    mailStore: storeMailStore(imap.store, new RedisWireSizeCache(redis, `${prefix}:wire-size`)),
    authenticator: new Authenticator(imap.store, new LoginThrottle(redis, { maxFailuresPerIp: 50, maxFailuresPerAccount: 5, windowSeconds: 60 }, `${prefix}:login`)),
    lock: new RedisMaildropLock(redis, { prefix: `${prefix}:lock`, ttlMs: 3000 }),
    loginDelay: new RedisLoginDelayGate(redis, `${prefix}:login-delay`),
    loginDelaySeconds: 0,
    insecureAuth: false,
    limits: { maxLineLength: 200, maxBadCommands: 20, idleTimeoutMs: 60_000 },
    tls: await testCertificate(),
  });
  pop3Port = (await pop3.listen('127.0.0.1', 0, { implicitTls: false })).port;
});

afterAll(async () => {
  await pop3.close();
  redis.disconnect();
  await imap.close();
});

describe('POP3 and IMAP on the same mailbox', () => {
  it('a message deleted over POP3 disappears from an IMAP session with an untagged EXPUNGE', async () => {
    const inbox = (await imap.store.mailboxes.findByName(imap.aliceId, 'INBOX'))!;
    await imap.store.messages.append(inbox.id, [1, 2, 3].map((n) => ({ raw: sampleMessage(n) })));

    const session = await RawImap.connect(imap.port);
    expect(await session.command('a1', `LOGIN ${ALICE.address} "${ALICE.password}"`)).toMatch(/a1 OK/);
    expect(await session.command('a2', 'SELECT INBOX')).toMatch(/\* 3 EXISTS/);

    const pop = await RawPop3.connect(pop3Port);
    expect(await pop.login(ALICE.address, ALICE.password)).toMatch(/^\+OK/);
    expect(await pop.command('DELE 2')).toMatch(/^\+OK/);
    expect(await pop.command('QUIT')).toMatch(/^\+OK/);

    // The expunge reaches the IMAP session through the change feed; NOOP reports it (RFC 3501 6.1.2).
    let reply = '';
    for (let i = 0; i < 50 && !/\* \d+ EXPUNGE/.test(reply); i++) {
      reply = await session.command(`n${i}`, 'NOOP');
      if (!/EXPUNGE/.test(reply)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(reply).toMatch(/\* 2 EXPUNGE\r\n/);
    expect(await session.command('a3', 'FETCH 1:* (UID)')).toMatch(/\* 1 FETCH \(UID 1\)\r\n\* 2 FETCH \(UID 3\)\r\na3 OK/);
    await session.command('a4', 'LOGOUT');
  });
});
