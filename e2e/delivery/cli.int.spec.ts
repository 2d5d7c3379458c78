import { createPublicKey, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_QUEUE, outboundJobId } from '@mailstead/delivery';
import { EmbeddedRedis } from '@mailstead/store';
import { createTestDatabase, freePort, runtimeConfig, sampleMessage, type TestDatabase } from '@mailstead/testing';
import { runCli } from '../../apps/server/src/cli/run-cli';

let db: TestDatabase;
let tmp: string;
let redisServer: EmbeddedRedis;
let redis: Redis;
let queue: Queue;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { config: await runtimeConfig({ DATABASE_URL: db.url, REDIS_URL: redisServer.url }), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-dcli-'));
  db = await createTestDatabase();
  redisServer = new EmbeddedRedis({ dir: path.join(tmp, 'redis'), port: await freePort() });
  await redisServer.start();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  queue = new Queue(DELIVERY_QUEUE, { connection: redis });
  await db.store.domains.create('example.test');
});

afterAll(async () => {
  await queue?.close();
  redis?.disconnect();
  await redisServer?.stop();
  await db?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('mailstead dkim and queue commands', () => {
  it('generates a DKIM key, stores it on the domain and prints the matching TXT record', async () => {
    const gen = await cli('dkim', 'generate', 'Example.TEST', '--selector', 'mail2026');
    expect(gen.code).toBe(0);
    expect(gen.out).toContain('selector mail2026');
    const p = /mail2026\._domainkey\.example\.test\. IN TXT \( "v=DKIM1; k=rsa; p=([^"]+)"((?: "[^"]+")*) \)/.exec(gen.out);
    expect(p).not.toBeNull();
    const published = (p![1]! + p![2]!.replace(/[" ]/g, '')).trim();
    const stored = await db.store.outbound.dkimKey('example.test');
    expect(stored?.selector).toBe('mail2026');
    const derived = createPublicKey(createPrivateKey(stored!.privateKey)).export({ type: 'spki', format: 'der' }).toString('base64');
    expect(published).toBe(derived);
    expect((await cli('dkim', 'show', 'example.test')).out).toContain(`p=${derived.slice(0, 200)}`);
    expect((await cli('dkim', 'generate', 'nowhere.test')).code).toBe(1);
    expect((await cli('dkim', 'show', 'other.test')).code).toBe(2);
  });

  it('retry and delete act on the row and on its BullMQ job; show prints recipients', async () => {
    const { outboundIds } = await db.store.messages.deliver(sampleMessage(1), [], { outbound: { sender: 'alice@example.test', recipients: [{ address: 'bob@remote.test' }, { address: 'carol@remote.test' }] } });
    const id = outboundIds[0]!;
    expect(await queue.getJob(outboundJobId(id))).toBeUndefined();

    expect(await cli('queue', 'retry', String(id))).toMatchObject({ code: 0, out: `queue entry ${id} is due now` });
    expect((await queue.getJob(outboundJobId(id)))?.data).toEqual({ outboundId: String(id) });

    const show = await cli('queue', 'show', String(id));
    expect(show.code).toBe(0);
    expect(show.out).toContain('domain remote.test');
    expect(show.out).toMatch(/bob@remote\.test\s+pending/);
    expect(show.out).toMatch(/carol@remote\.test\s+pending/);
    expect((await cli('queue', 'list', '--sender', 'alice@example.test')).out).toContain('remote.test');
    expect((await cli('queue', 'list', '--sender', 'nobody@example.test')).out).toBe('the queue is empty');
    expect((await cli('queue', 'list', '--older-than', '1d')).out).toBe('the queue is empty');

    await redis.flushall();
    expect(await cli('queue', 'retry-domain', 'remote.test')).toMatchObject({ code: 0, out: '1 queue entry for remote.test due now' });
    expect(await queue.getJob(outboundJobId(id))).toBeDefined();

    expect(await cli('queue', 'delete', String(id))).toMatchObject({ code: 0, out: `deleted queue entry ${id}` });
    expect(await queue.getJob(outboundJobId(id))).toBeUndefined();
    expect(await db.store.outbound.show(id)).toBeNull();
    expect((await cli('queue', 'show', String(id))).code).toBe(1);
  });

  it('bounce fails the waiting recipients, sends the local sender a DSN and drops the job', async () => {
    const alice = await db.store.accounts.create({ address: 'alice@example.test', passwordHash: 'x' });
    const inbox = (await db.store.mailboxes.findByName(alice.id, 'INBOX'))!.id;
    const { outboundIds } = await db.store.messages.deliver(sampleMessage(2, { from: 'alice@example.test' }), [], { outbound: { sender: 'alice@example.test', recipients: [{ address: 'dan@far.test' }, { address: 'eve@far.test' }] } });
    const id = outboundIds[0]!;
    expect((await cli('queue', 'retry', String(id))).code).toBe(0);
    expect(await queue.getJob(outboundJobId(id))).toBeDefined();

    expect(await cli('queue', 'bounce', String(id), '--reason', 'spam run')).toMatchObject({ code: 0, out: `bounced queue entry ${id} (2 recipients)` });
    expect(await queue.getJob(outboundJobId(id))).toBeUndefined();
    const row = (await db.store.outbound.show(id))!;
    expect(row.status).toBe('failed');
    expect(row.recipientDetails.map((r) => [r.status, r.response])).toEqual([['failed', '5.0.0 spam run'], ['failed', '5.0.0 spam run']]);
    expect(row.attemptLog.map((a) => [a.result, a.response])).toEqual([['failed', 'bounced: spam run']]);
    const messages = await db.store.messages.list(inbox);
    expect(messages).toHaveLength(1);
    const dsn = (await db.store.messages.raw(inbox, messages[0]!.uid)).toString();
    expect(dsn).toContain('report-type=delivery-status');
    expect(dsn).toMatch(/Final-Recipient: rfc822; dan@far\.test\r\nAction: failed\r\nStatus: 5\.0\.0/);
    expect(dsn).toContain('Final-Recipient: rfc822; eve@far.test');
    // a finished entry cannot be bounced again; an unknown one is not found
    expect(await cli('queue', 'bounce', String(id))).toMatchObject({ code: 1, err: `mailstead: queue entry ${id} is already failed` });
    expect((await cli('queue', 'bounce', '999999')).code).toBe(1);
    expect((await cli('queue', 'bounce', 'abc')).code).toBe(2);
  });

  it('pause keeps a domain out of the due list; resume enqueues its entries; stats counts from Postgres', async () => {
    const { outboundIds } = await db.store.messages.deliver(sampleMessage(3), [], { outbound: { sender: 'alice@example.test', recipients: [{ address: 'fay@paused.test' }] } });
    const id = outboundIds[0]!;
    expect(await db.store.outbound.dueIds()).toContain(id);
    expect(await cli('queue', 'pause', 'Paused.TEST', '--reason', 'their MX is broken')).toMatchObject({ code: 0, out: 'delivery to paused.test is paused' });
    expect(await db.store.outbound.dueIds()).not.toContain(id);
    // a worker holding a job for it cannot claim the row: it stays queued
    expect(await db.store.outbound.claim(id, 60_000)).toBeNull();
    expect((await db.store.outbound.show(id))!.status).toBe('queued');
    expect((await cli('queue', 'paused')).out).toMatch(/paused\.test\s+\S+\s+their MX is broken/);
    const stats = JSON.parse((await cli('queue', 'stats', '--json')).out) as Record<string, unknown>;
    expect(stats).toEqual({ queued: 1, sending: 0, deferred: 0, delivered: 0, bounced: 1, recipients: { pending: 1, deferred: 0, delivered: 0, failed: 2 }, pausedDomains: ['paused.test'] });
    const table = (await cli('queue', 'stats')).out;
    expect(table).toMatch(/messages\s+1\s+0\s+0\s+0\s+1/);
    expect(table).toContain('paused: paused.test');

    await redis.flushall();
    expect(await cli('queue', 'resume', 'paused.test')).toMatchObject({ code: 0, out: 'delivery to paused.test resumed; 1 queue entry queued' });
    expect(await queue.getJob(outboundJobId(id))).toBeDefined();
    expect(await db.store.outbound.dueIds()).toContain(id);
    expect((await cli('queue', 'paused')).out).toBe('no domain is paused');
    expect(await cli('queue', 'resume', 'paused.test')).toMatchObject({ code: 1, err: 'mailstead: domain paused.test is not paused' });
  });
});
