import { Redis } from 'ioredis';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailsteadConfig } from '@mailstead/config';
import type { DeliveryLogger } from '@mailstead/delivery';
import { RecipientResolver } from '@mailstead/pipeline';
import { SmtpFrontEnd } from '@mailstead/smtp';
import type { OutboundDetail, Store } from '@mailstead/store';
import { createTestDatabase, freePort, redisUrl, runtimeConfig, testCertificate, type TestDatabase } from '@mailstead/testing';
import { TestDnsServer } from './support/dns-server';
import { startDeliveryWorker, type RunningWorker } from './support/running-worker';
import { SmtpSink } from './support/smtp-sink';

// List bounce processing end to end: a list post goes out through the real worker to a sink
// that refuses one member (5xx), and a DSN for that member arrives at the list's bounce address
// over SMTP. Both count; at the threshold the member is disabled and gets no more list mail.
// No DSN is ever sent to the list's bounce address.

const quiet: DeliveryLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const LIST = 'team@lists.test';
const BOUNCES = 'team-bounces@lists.test';

let db: TestDatabase;
let store: Store;
let dns: TestDnsServer;
let sink: SmtpSink;
let redis: Redis;
let worker: RunningWorker;
let frontEnd: SmtpFrontEnd;
let mxPort: number;
let config: MailsteadConfig;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends one message to our MX listener with a real SMTP client (nodemailer's connection). */
async function smtpSend(from: string, to: string[], raw: string): Promise<string> {
  const connection = new SMTPConnection({ host: '127.0.0.1', port: mxPort, ignoreTLS: true, name: 'client.test' });
  await new Promise<void>((resolve, reject) => {
    connection.once('error', reject);
    connection.connect(() => resolve());
  });
  try {
    const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
      connection.send({ from, to }, raw, (err, result) => (err ? reject(err) : resolve(result))),
    );
    return info.response;
  } finally {
    connection.quit();
  }
}

function post(subject: string): string {
  return `From: alice@lists.test\r\nTo: ${LIST}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@lists.test>\r\n\r\nHello list.\r\n`;
}

function dsnFor(recipient: string, action: 'failed' | 'delayed'): string {
  return [
    'From: MAILER-DAEMON@members.test',
    `To: ${BOUNCES}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.members.test',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    action === 'failed' ? 'Status: 5.1.1' : 'Status: 4.2.1',
    'Diagnostic-Code: smtp; 550 5.1.1 no such user',
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

async function listRows(): Promise<OutboundDetail[]> {
  const rows = await store.outbound.list({ sender: BOUNCES }, 1000);
  return Promise.all(rows.map(async (r) => (await store.outbound.show(r.id))!));
}

/**
 * Outbound rows of list posts newer than `afterId`, once all of them are finished and cover
 * `count` recipients (the SMTP front end may make one row per domain or per member).
 */
async function finishedListPost(afterId: bigint, count: number): Promise<Map<string, string>> {
  return waitFor(`a list post to ${count} remote members to be finished`, async () => {
    const rows = (await listRows()).filter((r) => r.id > afterId);
    const recipients = rows.flatMap((r) => r.recipientDetails);
    if (recipients.length < count || rows.some((r) => r.status !== 'delivered' && r.status !== 'failed')) return undefined;
    return new Map(recipients.map((r) => [r.address, r.status]));
  });
}

async function lastListRowId(): Promise<bigint> {
  return (await listRows()).reduce((max, r) => (r.id > max ? r.id : max), 0n);
}

async function member(address: string) {
  const list = (await store.lists.findByAddress(LIST))!;
  return (await store.listBounces.members(list.id)).find((m) => m.address === address);
}

beforeAll(async () => {
  db = await createTestDatabase();
  store = db.store;
  dns = new TestDnsServer();
  await dns.start();
  const port = await freePort();
  sink = new SmtpSink({ host: '127.0.0.21', port, rcpt: (a) => (a.startsWith('gone@') ? '550 5.1.1 <' + a + '>: no such user' : undefined) });
  await sink.start();
  dns.set('members.test', { a: ['127.0.0.21'] });
  config = await runtimeConfig({
    MAILSTEAD_HOSTNAME: 'mx.lists.test',
    MAILSTEAD_DNS_SERVERS: `127.0.0.1:${dns.port}`,
    MAILSTEAD_DELIVERY_PORT: String(port),
    MAILSTEAD_DELIVERY_SCAN_INTERVAL: '100ms',
    MAILSTEAD_DELIVERY_RETRY_SCHEDULE: '300ms',
    MAILSTEAD_LIST_BOUNCE_THRESHOLD: '2',
  });
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  worker = await startDeliveryWorker({ store, config, redis, log: { ...quiet, error: (o, m) => console.error(m, o) }, prefix: `lb-${db.name}` });

  await store.domains.create('lists.test');
  await store.accounts.create({ address: 'alice@lists.test', passwordHash: 'x' });
  await store.lists.create({ address: LIST, name: 'Team', policy: 'open' });
  for (const m of ['alice@lists.test', 'gone@members.test', 'ok@members.test', 'other@members.test']) await store.lists.addMember(LIST, m);

  frontEnd = new SmtpFrontEnd(
    {
      store,
      resolver: new RecipientResolver(store),
      authenticator: { authenticate: async () => null } as never,
      hostname: 'mx.lists.test',
      limits: { maxMessageSize: 200_000, maxRecipients: 20, maxConnections: 20, maxConnectionsPerIp: 20, idleTimeoutSeconds: 30, greetingDelayMs: 0 },
      insecureAuth: false,
      allowExpn: false,
      senderChecks: false,
      dmarcReject: false,
      logger: { info: () => undefined, warn: () => undefined, error: (o, m) => console.error(m, o), debug: () => undefined },
      onOutbound: (ids) => void worker.worker.queue.enqueue(ids),
      listBouncePolicy: { threshold: config.delivery.listBounceThreshold, action: config.delivery.listBounceAction },
    },
    await testCertificate(),
  );
  const listeners = await frontEnd.listen([{ kind: 'mx', host: '127.0.0.1', port: 0 }]);
  mxPort = listeners[0]!.port;
}, 60_000);

afterAll(async () => {
  await frontEnd?.close();
  await worker?.stop();
  redis?.disconnect();
  await sink?.stop();
  await dns?.stop();
  await db?.drop();
});

describe('list bounce processing', () => {
  it('counts a 5xx at delivery of a list post per member and sends no DSN to the list bounce address', async () => {
    expect(await smtpSend('alice@lists.test', [LIST], post('first post'))).toMatch(/^250/);
    const statuses = await finishedListPost(0n, 3);
    expect(Object.fromEntries(statuses)).toEqual({ 'gone@members.test': 'failed', 'ok@members.test': 'delivered', 'other@members.test': 'delivered' });
    expect(await member('gone@members.test')).toMatchObject({ bounceCount: 1, disabledAt: null });
    expect((await member('gone@members.test'))!.lastBounceAt).toBeInstanceOf(Date);
    expect(await member('ok@members.test')).toMatchObject({ bounceCount: 0 });
    // No bounce message anywhere: no outbound row from <>, nothing delivered to the bounce address.
    // A bounce is stored before the failed row's final status, which finishedListPost waited for.
    expect(await store.outbound.list({ sender: '' })).toHaveLength(0);
    expect(sink.received.filter((m) => m.to.includes(BOUNCES))).toHaveLength(0);
  });

  it('accepts DSNs at the list bounce address over SMTP: a delayed report counts nothing, a failed one counts', async () => {
    expect(await smtpSend('', [BOUNCES], dsnFor('gone@members.test', 'delayed'))).toMatch(/^250/);
    expect(await member('gone@members.test')).toMatchObject({ bounceCount: 1, disabledAt: null });
    // a plain message (not a DSN) is taken and dropped: it counts nothing
    expect(await smtpSend('', [BOUNCES], 'From: x@members.test\r\nSubject: hi\r\n\r\nnot a report\r\n')).toMatch(/^250/);
    expect(await member('other@members.test')).toMatchObject({ bounceCount: 0 });
    // the second bounce reaches the threshold (2): the member is disabled but stays on the list
    expect(await smtpSend('', [BOUNCES], dsnFor('Gone@Members.test', 'failed'))).toMatch(/^250/);
    const gone = await member('gone@members.test');
    expect(gone).toMatchObject({ bounceCount: 2 });
    expect(gone!.disabledAt).toBeInstanceOf(Date);
    // a bounce address of a list that does not exist is refused like any unknown user
    await expect(smtpSend('', ['nolist-bounces@lists.test'], dsnFor('gone@members.test', 'failed'))).rejects.toMatchObject({ responseCode: 550 });
  });

  it('sends no more list mail to a disabled member', async () => {
    const before = await lastListRowId();
    expect(await smtpSend('alice@lists.test', [LIST], post('second post'))).toMatch(/^250/);
    const statuses = await finishedListPost(before, 2);
    expect(Object.fromEntries(statuses)).toEqual({ 'ok@members.test': 'delivered', 'other@members.test': 'delivered' });
  });

  it('removes the member at the threshold when the action is remove', async () => {
    const list = (await store.lists.findByAddress(LIST))!;
    expect(await store.listBounces.recordBounce(list.id, 'other@members.test', { threshold: 1, action: 'remove' })).toMatchObject({ outcome: 'removed', bounceCount: 1 });
    expect((await store.lists.members(LIST)).map((m) => m.address)).not.toContain('other@members.test');
    expect(await store.listBounces.recordBounce(list.id, 'nobody@members.test', { threshold: 1, action: 'remove' })).toBeNull();
  });
});
