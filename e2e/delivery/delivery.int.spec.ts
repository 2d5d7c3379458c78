import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type MailsteadConfig } from '@mailstead/config';
import { QueueEvents } from 'bullmq';
import { DELIVERY_QUEUE, DeliveryWorker, DomainLimiter, QueueService, deliverOutbound, dkimDnsRecord, dnsLookups, generateDkimKey, outboundJobId, type DeliveryLogger } from '@mailstead/delivery';
import { EmbeddedRedis, type OutboundDetail, type Store } from '@mailstead/store';
import { createTestDatabase, freePort, sampleMessage, type TestDatabase } from '@mailstead/testing';
import { TestDnsServer } from './support/dns-server';
import { startDeliveryWorker, type RunningWorker } from './support/running-worker';
import { DroppingServer, SmtpSink } from './support/smtp-sink';

const OUR_HOST = 'mx.mailstead.test';
const LOCAL_DOMAIN = 'mailstead.test';
const ALICE = `alice@${LOCAL_DOMAIN}`;

const quiet: DeliveryLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let db: TestDatabase;
let store: Store;
let dns: TestDnsServer;
let redisServer: EmbeddedRedis;
let redis: Redis;
let config: MailsteadConfig;
let configEnv: Record<string, string>;
let running: RunningWorker;
let worker: DeliveryWorker;
let tmp: string;
let aliceInbox: number;
const sinks: Record<string, SmtpSink> = {};
let dropper: DroppingServer;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The delivery worker with the periodic jobs (the reconciler among them), as the worker role runs it. */
async function startWorker(): Promise<void> {
  running = await startDeliveryWorker({ store, config, redis, log: quiet, prefix: 'dtest', transfer: { connectionTimeout: 3000, greetingTimeout: 3000, socketTimeout: 5000 } });
  worker = running.worker;
}

/**
 * Enqueues a row once more and resolves when a job for it finishes as `skipped` (the row is not
 * for the taking). Jobs for one row share its job id, so they run one after the other: when
 * this one is done, every job enqueued for the row before it is done too.
 */
async function probeSkipped(id: bigint): Promise<void> {
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const events = new QueueEvents(DELIVERY_QUEUE, { connection, prefix: 'dtest' });
  await events.waitUntilReady();
  try {
    const skipped = new Promise<void>((resolve) => {
      events.on('completed', ({ jobId, returnvalue }) => {
        if (jobId !== outboundJobId(id)) return;
        if (returnvalue === 'skipped') resolve();
        // an earlier job for the row finished just now, so ours was not added: add it again
        else void worker.queue.enqueue([id]);
      });
    });
    await worker.queue.enqueue([id]);
    await skipped;
  } finally {
    await events.close();
    connection.disconnect();
  }
}

/** Resolves after the reconciler job has run once more from now on. */
async function nextReconcile(): Promise<void> {
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const events = new QueueEvents('jobs', { connection, prefix: 'dtest' });
  await events.waitUntilReady();
  try {
    // the first one may have started before we listened: wait for the one after it
    let seen = 0;
    await new Promise<void>((resolve) => {
      events.on('completed', ({ jobId }) => {
        if (jobId.startsWith('repeat:delivery.reconcile:') && ++seen === 2) resolve();
      });
    });
  } finally {
    await events.close();
    connection.disconnect();
  }
}

/** Queues a message from `sender` to remote recipients the way SMTP/API do, and enqueues it. */
async function queueMessage(sender: string, recipients: string[], raw = sampleMessage(1, { from: sender || 'x@y.test', to: recipients.join(', ') }), dsn: { envelopeId?: string; ret?: 'FULL' | 'HDRS' } = {}): Promise<bigint[]> {
  const { outboundIds } = await store.messages.deliver(raw, [], { outbound: { sender, recipients: recipients.map((address) => ({ address })), envelopeId: dsn.envelopeId, ret: dsn.ret } });
  await worker.queue.enqueue(outboundIds);
  return outboundIds;
}

async function settled(id: bigint, statuses: string[] = ['delivered', 'failed']): Promise<OutboundDetail> {
  return waitFor(`outbound ${id} to reach ${statuses.join('/')}`, async () => {
    const row = await store.outbound.show(id);
    return row && statuses.includes(row.status) ? row : undefined;
  });
}

async function inboxMessages(): Promise<Buffer[]> {
  const list = await store.messages.list(aliceInbox);
  return Promise.all(list.map((m) => store.messages.raw(aliceInbox, m.uid)));
}

/** The delivery-status part of a DSN, parsed into per-message and per-recipient field maps. */
async function readDsn(raw: Buffer) {
  const parsed = await simpleParser(raw);
  const contentType = parsed.headers.get('content-type') as { value: string; params: Record<string, string> };
  // mailparser folds message/delivery-status into the text, so cut the part out by its boundary.
  const parts = raw.toString().split(`--${contentType.params.boundary}`);
  const part = parts.find((p) => /^\r?\nContent-Type: message\/delivery-status/i.test(p));
  if (!part) throw new Error('no message/delivery-status part');
  const groups = part
    .slice(part.search(/\r?\n\r?\n/))
    .trim()
    .split(/\r?\n\r?\n/)
    .map((block) => Object.fromEntries(block.split(/\r?\n/).map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()])));
  return { parsed, perMessage: groups[0]!, recipients: groups.slice(1), contentType };
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-delivery-'));
  db = await createTestDatabase();
  store = db.store;
  // Our own Redis, so the "Redis flushed" case can FLUSHALL without touching other test files.
  redisServer = new EmbeddedRedis({ dir: path.join(tmp, 'redis'), port: await freePort() });
  await redisServer.start();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: 3 });

  dns = new TestDnsServer();
  await dns.start();
  const port = await freePort();
  const rejectUnknown = (a: string) => (a.startsWith('unknown@') ? '550 5.1.1 <' + a + '>: no such user here' : undefined);
  sinks.good = new SmtpSink({ host: '127.0.0.3', port, rcpt: rejectUnknown });
  sinks.flaky = new SmtpSink({ host: '127.0.0.5', port, rcpt: (_a, n) => (n === 1 ? '451 4.3.2 try again later' : undefined) });
  sinks.always4xx = new SmtpSink({ host: '127.0.0.6', port, rcpt: () => '450 4.2.1 mailbox busy' });
  sinks.small = new SmtpSink({ host: '127.0.0.7', port, size: 100 });
  sinks.plain = new SmtpSink({ host: '127.0.0.8', port, starttls: false, rcpt: rejectUnknown });
  sinks.seven = new SmtpSink({ host: '127.0.0.9', port, no8bit: true });
  sinks.stall = new SmtpSink({ host: '127.0.0.10', port, stallFirstData: true });
  sinks.impatient = new SmtpSink({ host: '127.0.0.11', port, idleTimeoutMs: 300 });
  sinks.slow = new SmtpSink({ host: '127.0.0.12', port, dataReplyDelayMs: 3000 });
  await Promise.all(Object.values(sinks).map((s) => s.start()));
  dropper = new DroppingServer('127.0.0.4', port);
  await dropper.start();
  // 127.0.0.2 has nothing listening: connection refused.

  dns.set('mx-down.test', { a: ['127.0.0.2'] });
  dns.set('mx-drop.test', { a: ['127.0.0.4'] });
  dns.set('mx-good.test', { a: ['127.0.0.3'] });
  dns.set('mx-flaky.test', { a: ['127.0.0.5'] });
  dns.set('mx-4xx.test', { a: ['127.0.0.6'] });
  dns.set('mx-small.test', { a: ['127.0.0.7'] });
  dns.set('mx-plain.test', { a: ['127.0.0.8'] });
  dns.set('mx-seven.test', { a: ['127.0.0.9'] });
  dns.set('mx-stall.test', { a: ['127.0.0.10'] });
  dns.set('seven.test', { mx: [[10, 'mx-seven.test']] });
  dns.set('stall.test', { mx: [[10, 'mx-stall.test']] });
  dns.set('mx-slow.test', { a: ['127.0.0.12'] });
  dns.set('slow.test', { mx: [[10, 'mx-slow.test']] });
  dns.set(OUR_HOST, { a: ['127.0.0.1'] });
  dns.set('good.test', { mx: [[10, 'mx-good.test']] });
  dns.set('fallback.test', { mx: [[30, 'mx-good.test'], [10, 'mx-down.test'], [20, 'mx-drop.test']] });
  dns.set('flaky.test', { mx: [[10, 'mx-flaky.test']] });
  dns.set('busy.test', { mx: [[10, 'mx-4xx.test']] });
  dns.set('small.test', { mx: [[10, 'mx-small.test']] });
  dns.set('plain.test', { mx: [[10, 'mx-plain.test']] });
  dns.set('implicit.test', { a: ['127.0.0.3'] });
  dns.set('nullmx.test', { mx: [[0, '']] });
  dns.set('loop.test', { mx: [[10, OUR_HOST], [20, 'mx-good.test']] });
  dns.set('backup.test', { mx: [[5, 'mx-good.test'], [10, OUR_HOST], [20, 'mx-down.test']] });
  dns.set('remote-sender.test', { mx: [[10, 'mx-good.test']] });
  dns.set('dedup.test', { mx: [[10, 'mx-good.test']] });
  dns.set('pause.test', { mx: [[10, 'mx-good.test']] });
  dns.set('reuse.test', { mx: [[10, 'mx-good.test']] });
  dns.set('mx-impatient.test', { a: ['127.0.0.11'] });
  dns.set('impatient.test', { mx: [[10, 'mx-impatient.test']] });

  configEnv = {
    MAILSTEAD_HOSTNAME: OUR_HOST,
    MAILSTEAD_TRANSPORT_RULES: `relay.test=smtp://127.0.0.8:${port}`,
    MAILSTEAD_DNS_SERVERS: `127.0.0.1:${dns.port}`,
    MAILSTEAD_DELIVERY_PORT: String(port),
    MAILSTEAD_DELIVERY_RETRY_SCHEDULE: '300ms',
    MAILSTEAD_DELIVERY_SCAN_INTERVAL: '100ms',
    MAILSTEAD_DELIVERY_MAX_AGE: '1h',
    MAILSTEAD_DELIVERY_CONCURRENCY: '4',
  };
  config = parseConfig(configEnv);

  await store.domains.create(LOCAL_DOMAIN);
  const alice = await store.accounts.create({ address: ALICE, passwordHash: 'x' });
  aliceInbox = (await store.mailboxes.findByName(alice.id, 'INBOX'))!.id;

  await startWorker();
}, 60_000);

afterAll(async () => {
  await running?.stop();
  redis?.disconnect();
  await Promise.all(Object.values(sinks).map((s) => s.stop()));
  await dropper?.stop();
  await dns?.stop();
  await redisServer?.stop();
  await db?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('outbound delivery over real SMTP, DNS, Redis and Postgres', () => {
  it('delivers one transaction per domain carrying all its recipients, with EHLO, STARTTLS and DSN parameters', async () => {
    const before = sinks.good!.received.length;
    const raw = sampleMessage(2, { from: ALICE, to: 'bob@good.test, carol@good.test' });
    const { outboundIds } = await store.messages.deliver(raw, [], {
      outbound: { sender: ALICE, envelopeId: 'env-42', ret: 'HDRS', recipients: [{ address: 'bob@good.test', notify: ['FAILURE'], orcpt: 'rfc822;bob@good.test' }, { address: 'carol@good.test' }] },
    });
    await worker.queue.enqueue(outboundIds);
    const row = await settled(outboundIds[0]!);
    expect(row.status).toBe('delivered');
    expect(row.recipientDetails.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(row.attemptLog).toHaveLength(1);
    expect(row.attemptLog[0]!.host).toBe('mx-good.test[127.0.0.3]');
    expect(row.attemptLog[0]!.response).toContain('250');
    const got = sinks.good!.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.from).toBe(ALICE);
    expect(got[0]!.to.sort()).toEqual(['bob@good.test', 'carol@good.test']);
    expect(got[0]!.clientHostname).toBe(OUR_HOST);
    expect(got[0]!.secure).toBe(true);
    expect(got[0]!.raw.toString()).toContain('Subject: Test message 2');
    expect(got[0]!.mailArgs).toMatchObject({ RET: 'HDRS', ENVID: 'env-42' });
    expect(got[0]!.rcptArgs[got[0]!.to.indexOf('bob@good.test')]).toMatchObject({ NOTIFY: 'FAILURE', ORCPT: 'rfc822;bob@good.test' });
  });

  it('falls back through MX hosts in preference order: refused, dropped, then accepted', async () => {
    const dropsBefore = dropper.connections;
    const before = sinks.good!.received.length;
    const [id] = await queueMessage(ALICE, ['dave@fallback.test']);
    const row = await settled(id!);
    expect(row.status).toBe('delivered');
    expect(row.attemptLog[0]!.host).toBe('mx-good.test[127.0.0.3]');
    expect(dropper.connections).toBeGreaterThan(dropsBefore);
    expect(sinks.good!.received.slice(before).map((m) => m.to)).toEqual([['dave@fallback.test']]);
  });

  it('defers on 4xx and delivers on the retry', async () => {
    const [id] = await queueMessage(ALICE, ['erin@flaky.test']);
    const row = await settled(id!);
    expect(row.status).toBe('delivered');
    expect(row.attempts).toBe(2);
    expect(row.attemptLog.map((a) => a.result)).toEqual(['deferred', 'delivered']);
    expect(row.attemptLog[0]!.response).toContain('451 4.3.2 try again later');
    expect(sinks.flaky!.received.map((m) => m.to)).toEqual([['erin@flaky.test']]);
  });

  it('bounces 5xx recipients at once with an RFC 3464 report in the local sender INBOX, delivering the others', async () => {
    const inboxBefore = (await inboxMessages()).length;
    const [id] = await queueMessage(ALICE, ['frank@good.test', 'unknown@good.test'], undefined, { envelopeId: 'env-7' });
    const row = await settled(id!);
    expect(row.status).toBe('failed');
    expect(Object.fromEntries(row.recipientDetails.map((r) => [r.address, [r.status, r.smtpCode]]))).toEqual({ 'frank@good.test': ['delivered', 250], 'unknown@good.test': ['failed', 550] });
    const inbox = await waitFor('the bounce in the INBOX', async () => {
      const all = await inboxMessages();
      return all.length > inboxBefore ? all : undefined;
    });
    const dsn = await readDsn(inbox[inbox.length - 1]!);
    expect(dsn.contentType.value).toBe('multipart/report');
    expect(dsn.contentType.params['report-type']).toBe('delivery-status');
    expect(dsn.parsed.to && 'text' in dsn.parsed.to ? dsn.parsed.to.text : '').toContain(ALICE);
    expect(dsn.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(dsn.perMessage['reporting-mta']).toBe(`dns; ${OUR_HOST}`);
    expect(dsn.perMessage['original-envelope-id']).toBe('env-7');
    expect(dsn.recipients).toHaveLength(1);
    expect(dsn.recipients[0]).toMatchObject({ 'final-recipient': 'rfc822; unknown@good.test', action: 'failed', status: '5.1.1', 'remote-mta': 'dns; mx-good.test' });
    expect(dsn.recipients[0]!['diagnostic-code']).toContain('550 5.1.1 <unknown@good.test>: no such user here');
    // the original message comes back (small message: whole)
    expect(dsn.parsed.attachments.some((a) => a.contentType === 'message/rfc822' && a.content.toString().includes('Subject: Test message 1'))).toBe(true);
  });

  it('fails a null-MX domain (RFC 7505) without connecting and bounces with 5.1.10', async () => {
    const inboxBefore = (await inboxMessages()).length;
    const [id] = await queueMessage(ALICE, ['gina@nullmx.test']);
    const row = await settled(id!);
    expect(row.status).toBe('failed');
    expect(row.recipientDetails[0]!.response).toContain('5.1.10');
    expect(row.attemptLog[0]!.host).toBeNull();
    const inbox = await waitFor('the bounce', async () => ((await inboxMessages()).length > inboxBefore ? inboxMessages() : undefined));
    const dsn = await readDsn(inbox[inbox.length - 1]!);
    expect(dsn.recipients[0]).toMatchObject({ 'final-recipient': 'rfc822; gina@nullmx.test', action: 'failed', status: '5.1.10' });
  });

  it('fails NXDOMAIN destinations permanently', async () => {
    const [id] = await queueMessage(ALICE, ['hank@no-such-domain.test']);
    const row = await settled(id!);
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('NXDOMAIN');
  });

  it('detects a mail loop when we are the best MX, and uses only better MX hosts when we are a backup', async () => {
    const [loopId] = await queueMessage(ALICE, ['ivan@loop.test']);
    const loop = await settled(loopId!);
    expect(loop.status).toBe('failed');
    expect(loop.lastError).toContain('5.4.6');
    expect(loop.lastError).toContain('loops back to myself');

    const before = sinks.good!.received.length;
    const [backupId] = await queueMessage(ALICE, ['judy@backup.test']);
    const backup = await settled(backupId!);
    expect(backup.status).toBe('delivered');
    expect(sinks.good!.received.slice(before).map((m) => m.to)).toEqual([['judy@backup.test']]);
  });

  it('delivers to the implicit MX (A record) of a domain without MX records', async () => {
    const before = sinks.good!.received.length;
    const [id] = await queueMessage(ALICE, ['kate@implicit.test']);
    const row = await settled(id!);
    expect(row.status).toBe('delivered');
    expect(row.attemptLog[0]!.host).toBe('implicit.test[127.0.0.3]');
    expect(sinks.good!.received.slice(before).map((m) => m.to)).toEqual([['kate@implicit.test']]);
  });

  it('refuses without sending when the remote SIZE is smaller than the message', async () => {
    const [id] = await queueMessage(ALICE, ['leo@small.test']);
    const row = await settled(id!);
    expect(row.status).toBe('failed');
    expect(row.recipientDetails[0]!.response).toContain('5.3.4');
    expect(sinks.small!.received).toHaveLength(0);
  });

  it('sends in plain text to a server without STARTTLS', async () => {
    const [id] = await queueMessage(ALICE, ['mia@plain.test']);
    expect((await settled(id!)).status).toBe('delivered');
    expect(sinks.plain!.received[0]!.secure).toBe(false);
  });

  it('never bounces a bounce: a failed message from <> just fails', async () => {
    const inboxBefore = (await inboxMessages()).length;
    const outboundBefore = (await store.outbound.list({}, 10_000)).length;
    const [id] = await queueMessage('', ['unknown@plain.test'], sampleMessage(3, { from: `MAILER-DAEMON@${OUR_HOST}`, to: 'unknown@plain.test' }));
    const row = await settled(id!);
    expect(row.status).toBe('failed');
    expect(sinks.plain!.received.every((m) => !m.to.includes('unknown@plain.test'))).toBe(true);
    // A bounce (into the INBOX, or a new outbound row) is stored before the row's final status.
    expect((await inboxMessages()).length).toBe(inboxBefore);
    expect((await store.outbound.list({}, 10_000)).length).toBe(outboundBefore + 1);
  });

  it('bounces to a remote sender through a new outbound row from <>', async () => {
    const before = sinks.good!.received.length;
    const [id] = await queueMessage('nick@remote-sender.test', ['unknown@plain.test'], sampleMessage(4, { from: 'nick@remote-sender.test', to: 'unknown@plain.test' }));
    expect((await settled(id!)).status).toBe('failed');
    const bounce = await waitFor('the bounce at the sender MX', async () => sinks.good!.received.slice(before).find((m) => m.to.includes('nick@remote-sender.test')));
    expect(bounce.from).toBe('');
    const dsn = await readDsn(bounce.raw);
    expect(dsn.recipients[0]).toMatchObject({ 'final-recipient': 'rfc822; unknown@plain.test', status: '5.1.1' });
    const bounceRow = (await store.outbound.list({ sender: '', domain: 'remote-sender.test' }))[0]!;
    expect((await settled(bounceRow.id)).status).toBe('delivered');
  });

  it('tells the sender once that delivery is delayed (Action: delayed) and keeps retrying', async () => {
    await running.stop();
    try {
      const inboxBefore = (await inboxMessages()).length;
      const { outboundIds } = await store.messages.deliver(sampleMessage(7, { from: ALICE }), [], { outbound: { sender: ALICE, recipients: [{ address: 'walt@busy.test' }, { address: 'xena@busy.test', notify: ['FAILURE'] }] } });
      const id = outboundIds[0]!;
      const warning = { ...config, delivery: { ...config.delivery, delayWarning: 1, retrySchedule: [1] } };
      await new Promise((r) => setTimeout(r, 5));
      const deps = { store, config: warning, dns: dnsLookups(config.delivery.dnsServers), limiter: new DomainLimiter(1), log: quiet, enqueue: async () => undefined, leaseMs: 60_000 };
      expect(await deliverOutbound(id, deps)).toBe('deferred');
      await new Promise((r) => setTimeout(r, 5));
      expect(await deliverOutbound(id, deps)).toBe('deferred');
      const inbox = await inboxMessages();
      expect(inbox.length).toBe(inboxBefore + 1);
      const dsn = await readDsn(inbox[inbox.length - 1]!);
      expect(dsn.parsed.subject).toContain('Delayed');
      // xena asked for failure reports only (NOTIFY=FAILURE), so only walt is listed.
      expect(dsn.recipients).toHaveLength(1);
      expect(dsn.recipients[0]).toMatchObject({ 'final-recipient': 'rfc822; walt@busy.test', action: 'delayed', status: '4.2.1' });
      expect(dsn.recipients[0]!['will-retry-until']).toBeTruthy();
      const row = (await store.outbound.show(id))!;
      expect(row.attemptLog.map((a) => a.result)).toEqual(['delay-warning', 'deferred', 'deferred']);
      await store.outbound.remove(id);
    } finally {
      await startWorker();
    }
  });

  it('expires a message that keeps getting 4xx and bounces it with 4.4.7', async () => {
    // This row is driven directly (not through the worker) with a tiny maximum age.
    await running.stop();
    try {
      const inboxBefore = (await inboxMessages()).length;
      const { outboundIds } = await store.messages.deliver(sampleMessage(5, { from: ALICE }), [], { outbound: { sender: ALICE, recipients: [{ address: 'olga@busy.test' }] } });
      const expiring = { ...config, delivery: { ...config.delivery, maxAge: 1 } };
      await new Promise((r) => setTimeout(r, 5));
      const deps = { store, config: expiring, dns: dnsLookups(config.delivery.dnsServers), limiter: new DomainLimiter(1), log: quiet, enqueue: async () => undefined, leaseMs: 60_000 };
      expect(await deliverOutbound(outboundIds[0]!, deps)).toBe('failed');
      expect(await deliverOutbound(outboundIds[0]!, deps)).toBe('skipped');
      const row = (await store.outbound.show(outboundIds[0]!))!;
      expect(row.recipientDetails[0]).toMatchObject({ status: 'failed', smtpCode: 450 });
      const inbox = await inboxMessages();
      expect(inbox.length).toBe(inboxBefore + 1);
      const dsn = await readDsn(inbox[inbox.length - 1]!);
      expect(dsn.recipients[0]).toMatchObject({ action: 'failed', status: '4.4.7' });
      expect(dsn.recipients[0]!['diagnostic-code']).toContain('450 4.2.1 mailbox busy');
    } finally {
      await startWorker();
    }
  });

  it('routes by transport rule without DNS', async () => {
    const before = sinks.plain!.received.length;
    const [id] = await queueMessage(ALICE, ['sam@relay.test']);
    const row = await settled(id!);
    expect(row.status).toBe('delivered');
    expect(row.attemptLog[0]!.host).toBe('127.0.0.8[127.0.0.8]');
    expect(sinks.plain!.received.slice(before).map((m) => m.to)).toEqual([['sam@relay.test']]);
  });

  it('sends 8-bit content with BODY=8BITMIME, and fails clearly where the remote lacks 8BITMIME or SMTPUTF8', async () => {
    const raw = Buffer.from(`From: ${ALICE}\r\nTo: x\r\nSubject: 8bit\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n`);
    const before = sinks.good!.received.length;
    const [okId] = await queueMessage(ALICE, ['tom@good.test'], raw);
    expect((await settled(okId!)).status).toBe('delivered');
    expect(sinks.good!.received.slice(before)[0]!.mailArgs).toMatchObject({ BODY: '8BITMIME' });
    const [badId] = await queueMessage(ALICE, ['uma@seven.test'], raw);
    const bad = await settled(badId!);
    expect(bad.status).toBe('failed');
    expect(bad.recipientDetails[0]!.response).toContain('5.6.3');
    // RFC 6531: an internationalized address cannot go to a server without SMTPUTF8.
    const [utf8Id] = await queueMessage(ALICE, ['zoë@seven.test'], sampleMessage(8, { from: ALICE }));
    const utf8 = await settled(utf8Id!);
    expect(utf8.status).toBe('failed');
    expect(utf8.recipientDetails[0]!.response).toContain('5.6.7');
    expect(sinks.seven!.received).toHaveLength(0);
  });

  it('delivers a message whose worker was SIGKILLed mid-transaction', async () => {
    await running.stop();
    try {
      // node itself (not npx), so SIGKILL hits the worker and not a wrapper.
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'support/worker-process.ts'), JSON.stringify({ databaseUrl: db.url, redisUrl: redisServer.url, env: configEnv, prefix: 'dkill', leaseMs: 1500 })], {
        cwd: path.resolve(import.meta.dirname, '../..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
      });
      const { outboundIds } = await store.messages.deliver(sampleMessage(20, { from: ALICE }), [], { outbound: { sender: ALICE, recipients: [{ address: 'vic@stall.test' }] } });
      const id = outboundIds[0]!;
      // The child's reconciler picks the row up; the remote swallows the DATA and hangs.
      await waitFor('the stalled transaction', async () => sinks.stall!.dataStarted >= 1);
      expect((await store.outbound.show(id))!.status).toBe('sending');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    } finally {
      await startWorker();
    }
    // Once the dead worker's lease runs out, the reconciler hands the row to this worker.
    const row = (await store.outbound.list({ domain: 'stall.test' }))[0]!;
    const done = await settled(row.id);
    expect(done.status).toBe('delivered');
    expect(done.attempts).toBe(2);
    expect(sinks.stall!.received.map((m) => m.to)).toEqual([['vic@stall.test']]);
  });

  it('keeps a row through an attempt that outlasts its lease (the lease is renewed while it runs)', async () => {
    await running.stop();
    // a lease of 600 ms, an answer after 3 s: without renewal the reconciler would hand the
    // row to a second attempt meanwhile and the remote would get the message twice
    running = await startDeliveryWorker({ store, config, redis, log: quiet, prefix: 'dtest', leaseMs: 600, transfer: { connectionTimeout: 3000, greetingTimeout: 3000, socketTimeout: 8000 } });
    worker = running.worker;
    try {
      const before = sinks.slow!.received.length;
      const startedBefore = sinks.slow!.dataStarted;
      const [id] = await queueMessage(ALICE, ['sam@slow.test'], sampleMessage(21, { from: ALICE }));
      await waitFor('the slow transaction', async () => sinks.slow!.dataStarted > startedBefore);
      // another worker (say, after a Redis failover, when the row's job is not known) tries to
      // claim the row well after the first lease would have run out: it is still taken
      await new Promise((r) => setTimeout(r, 1500));
      expect(await store.outbound.claim(id!, 600)).toBeNull();
      const done = await settled(id!);
      expect(done.status).toBe('delivered');
      expect(done.attempts).toBe(1);
      expect(sinks.slow!.received.length - before).toBe(1);
    } finally {
      await running.stop();
      await startWorker();
    }
  });

  it('signs with the sender domain DKIM key, and the signature verifies', async () => {
    const key = generateDkimKey('sel1');
    await store.outbound.setDkimKey(LOCAL_DOMAIN, key.selector, key.privateKey);
    const record = dkimDnsRecord(LOCAL_DOMAIN, key);
    const before = sinks.good!.received.length;
    const [id] = await queueMessage(ALICE, ['pam@good.test'], sampleMessage(6, { from: `Alice <${ALICE}>`, to: 'pam@good.test' }));
    expect((await settled(id!)).status).toBe('delivered');
    const got = sinks.good!.received.slice(before)[0]!;
    expect(got.raw.toString()).toMatch(/^DKIM-Signature: .*d=mailstead\.test/);
    const result = await dkimVerify(got.raw, {
      resolver: async (name: string, type: string) => {
        if (type === 'TXT' && name === record.name) return [[record.value]];
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      },
    });
    expect(result.results[0]!.status.result).toBe('pass');
    expect(result.results[0]!.signingDomain).toBe(LOCAL_DOMAIN);
  });

  it('finishes every delivery after Redis is flushed: the reconciler re-enqueues from Postgres', async () => {
    await running.stop();
    const before = sinks.good!.received.length;
    const ids: bigint[] = [];
    for (let i = 0; i < 3; i++) {
      const { outboundIds } = await store.messages.deliver(sampleMessage(10 + i, { from: ALICE }), [], { outbound: { sender: ALICE, recipients: [{ address: `q${i}@dedup.test` }] } });
      ids.push(...outboundIds);
    }
    // Jobs were in Redis, then Redis lost everything.
    const producer = new DeliveryWorker({ store, config, redis, log: quiet, prefix: 'dtest' });
    await producer.queue.enqueue(ids);
    expect((await producer.queue.counts()).waiting).toBeGreaterThanOrEqual(3);
    await producer.queue.close();
    await redis.flushall();
    expect(await redis.dbsize()).toBe(0);

    await startWorker();
    for (const id of ids) expect((await settled(id)).status).toBe('delivered');
    const got = sinks.good!.received.slice(before).flatMap((m) => m.to).sort();
    expect(got).toEqual(['q0@dedup.test', 'q1@dedup.test', 'q2@dedup.test']);
  });

  it('does not attempt a paused destination domain; its rows stay queued until resume enqueues them', async () => {
    const service = new QueueService({ store, config, queue: worker.queue });
    await service.pauseDomain('pause.test', 'maintenance');
    const before = sinks.good!.received.length;
    const [id] = await queueMessage(ALICE, ['pat@pause.test']);
    // a reconciler pass has run since, and every job for the row has run and left it alone
    await nextReconcile();
    await probeSkipped(id!);
    const waiting = (await store.outbound.show(id!))!;
    expect(waiting).toMatchObject({ status: 'queued', attempts: 0 });
    expect(waiting.attemptLog).toHaveLength(0);
    expect(sinks.good!.received.length).toBe(before);
    expect((await service.stats()).pausedDomains).toEqual(['pause.test']);

    expect(await service.resumeDomain('pause.test')).toBe(1);
    const row = await settled(id!);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(sinks.good!.received.slice(before).map((m) => m.to)).toEqual([['pat@pause.test']]);
  });

  it('keeps the SMTP connection for the next message to the same host, and opens a new one when the remote closed it', async () => {
    const [first] = await queueMessage(ALICE, ['una@reuse.test']);
    expect((await settled(first!)).status).toBe('delivered');
    const connections = sinks.good!.connections;
    const [second] = await queueMessage(ALICE, ['vera@reuse.test']);
    expect((await settled(second!)).status).toBe('delivered');
    expect(sinks.good!.connections).toBe(connections);
    expect(sinks.good!.received.at(-1)!.to).toEqual(['vera@reuse.test']);

    const [a] = await queueMessage(ALICE, ['wes@impatient.test']);
    expect((await settled(a!)).status).toBe('delivered');
    // the remote drops the idle session after 300 ms; the next message goes over a new connection
    await new Promise((r) => setTimeout(r, 700));
    const [b] = await queueMessage(ALICE, ['xia@impatient.test']);
    const row = await settled(b!);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(sinks.impatient!.connections).toBe(2);
    expect(sinks.impatient!.received.map((m) => m.to)).toEqual([['wes@impatient.test'], ['xia@impatient.test']]);
  });

  it('treats duplicate jobs for one row as one delivery (idempotent)', async () => {
    const before = sinks.good!.received.length;
    const [id] = await queueMessage(ALICE, ['rex@dedup.test']);
    await Promise.all([worker.queue.enqueue([id!]), worker.queue.enqueue([id!]), worker.reconcile()]);
    expect((await settled(id!)).status).toBe('delivered');
    await probeSkipped(id!);
    expect(sinks.good!.received.slice(before).filter((m) => m.to.includes('rex@dedup.test'))).toHaveLength(1);
    expect((await store.outbound.show(id!))!.attempts).toBe(1);
  });
});
