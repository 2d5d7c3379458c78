// Forwarding that survives SPF and DMARC (issue 20 item 4), end to end over real SMTP: swaks
// sends to our MX (the smtp role's wiring: recipientResolverFor with the server secret), an
// alias forwards to a remote address, the delivery worker (with the worker role's forwarding)
// delivers to a loopback sink playing the remote MX. The sink's copy has an SRS envelope sender
// in our domain and an ARC seal that mailauth verifies, with SPF passing for our domain and
// DMARC passing through the author's untouched DKIM signature. Bounces to the SRS address reach
// the original sender; forged and expired SRS addresses are refused with 550 5.7.1; the null
// sender stays null; our own DSN for a forwarded message goes back through the SRS address.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { authenticate } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, LoginThrottle } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import { dkimDnsRecord, generateDkimKey, signMessage, type DeliveryLogger } from '@mailstead/delivery';
import { forwardingFor, recipientResolverFor, srsForward } from '@mailstead/pipeline';
import { SmtpFrontEnd, type SmtpContext } from '@mailstead/smtp';
import type { Store } from '@mailstead/store';
import { createTestDatabase, freePort, runtimeConfig, testCertificate, type TestDatabase } from '@mailstead/testing';
import { serverSecret } from '../../apps/server/src/runtime/secret';
import { TestDnsServer } from '../delivery/support/dns-server';
import { startDeliveryWorker, type RunningWorker } from '../delivery/support/running-worker';
import { SmtpSink, type ReceivedMessage } from '../delivery/support/smtp-sink';

const run = promisify(execFile);
const SECRET = 'forwarding-test-secret-0123456789';
const OURS = 'fwd.test';
const quiet: DeliveryLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let db: TestDatabase;
let store: Store;
let config: MailsteadConfig;
let redis: Redis;
let dns: TestDnsServer;
let remoteSink: SmtpSink;
let origSink: SmtpSink;
let worker: RunningWorker;
let smtp: SmtpFrontEnd;
let mxPort: number;
let tmp: string;
/** TXT records, for mailauth's resolver in our MX and at the "receiver" */
const txt: Record<string, string> = {};

const txtResolver = async (name: string, rrtype: string): Promise<string[][]> => {
  const value = rrtype === 'TXT' ? txt[name.toLowerCase()] : undefined;
  if (value) return [[value]];
  throw Object.assign(new Error(`${name} ${rrtype}: no such record`), { code: 'ENOTFOUND' });
};

async function swaks(args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await run('swaks', ['--server', '127.0.0.1', '--port', String(mxPort), '--helo', 'client.orig.test', ...args]);
    return { ok: true, out: stdout };
  } catch (error) {
    return { ok: false, out: String((error as { stdout?: string }).stdout ?? error) };
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const arrived = (sink: SmtpSink, marker: string) => waitFor<ReceivedMessage>(`a message with ${marker}`, () => sink.received.find((m) => m.raw.toString('latin1').includes(marker)));

/** What a receiving MTA that checks SPF, DKIM, DMARC and ARC makes of a message our worker delivered from 127.0.0.1. */
async function receiverVerdict(message: ReceivedMessage) {
  const result = await authenticate(message.raw, { ip: '127.0.0.1', helo: 'mx.fwd.test', sender: message.from, mta: 'mx.remote.test', resolver: txtResolver as never, disableBimi: true });
  return {
    spf: (result.spf as { status: { result: string }; domain?: string } | false) || null,
    dkim: result.dkim.results.map((r) => ({ domain: r.signingDomain, result: r.status.result })),
    dmarc: (result.dmarc as { status: { result: string } } | false) || null,
    arc: result.arc as unknown as { status: { result: string }; i: number; authenticationResults?: { mta?: string; spf?: { result: string } } },
  };
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-forwarding-'));
  db = await createTestDatabase();
  store = db.store;
  dns = new TestDnsServer();
  await dns.start();
  const port = await freePort();
  remoteSink = new SmtpSink({ host: '127.0.0.31', port, rcpt: (a) => (a.startsWith('unknown@') ? `550 5.1.1 <${a}>: no such user here` : undefined) });
  origSink = new SmtpSink({ host: '127.0.0.32', port });
  await Promise.all([remoteSink.start(), origSink.start()]);
  dns.set('mx.remote.test', { a: ['127.0.0.31'] });
  dns.set('remote.test', { mx: [[10, 'mx.remote.test']] });
  dns.set('mx.orig.test', { a: ['127.0.0.32'] });
  dns.set('orig.test', { mx: [[10, 'mx.orig.test']] });

  config = await runtimeConfig({
    MAILSTEAD_HOSTNAME: 'mx.fwd.test',
    MAILSTEAD_SECRET: SECRET,
    MAILSTEAD_DNS_SERVERS: `127.0.0.1:${dns.port}`,
    MAILSTEAD_DELIVERY_PORT: String(port),
    MAILSTEAD_DELIVERY_RETRY_SCHEDULE: '300ms',
    MAILSTEAD_DELIVERY_SCAN_INTERVAL: '100ms',
  });
  redis = new Redis(config.redis.url!, { maxRetriesPerRequest: 3 });

  // our domain: its DKIM key seals (ARC) and signs (DKIM); its SPF names the worker's address
  await store.domains.create(OURS);
  const ourKey = generateDkimKey('fwd1');
  await store.outbound.setDkimKey(OURS, ourKey.selector, ourKey.privateKey);
  txt[dkimDnsRecord(OURS, ourKey).name] = dkimDnsRecord(OURS, ourKey).value;
  txt[OURS] = 'v=spf1 ip4:127.0.0.1 -all';
  await store.aliases.create(`friend@${OURS}`, ['bob@remote.test']);
  await store.aliases.create(`lost@${OURS}`, ['unknown@remote.test']);
  // the author's domain: SPF names 127.0.0.1 (where swaks sends from), DKIM signs, DMARC p=reject
  const origKey = generateDkimKey('orig1');
  txt[dkimDnsRecord('orig.test', origKey).name] = dkimDnsRecord('orig.test', origKey).value;
  txt['orig.test'] = 'v=spf1 ip4:127.0.0.1 -all';
  txt['_dmarc.orig.test'] = 'v=DMARC1; p=reject';
  origSignedMessage = async (subject: string) => {
    const raw = Buffer.from(`From: Alice <alice@orig.test>\r\nTo: friend@${OURS}\r\nSubject: ${subject}\r\nDate: Fri, 04 Dec 2026 12:00:00 +0000\r\nMessage-ID: <${subject}@orig.test>\r\n\r\nHello from the author, ${subject}.\r\n`);
    return signMessage(raw, 'orig.test', origKey);
  };

  const secret = serverSecret(config);
  worker = await startDeliveryWorker({ store, config, redis, log: quiet, prefix: `fwdtest-${db.name}`, forwarding: forwardingFor(store, config, secret) });
  const ctx: SmtpContext = {
    store,
    resolver: recipientResolverFor(store, config, secret),
    authenticator: new Authenticator(store, new LoginThrottle(redis, { maxFailuresPerIp: 50, maxFailuresPerAccount: 5, windowSeconds: 60 }, `test:${db.name}`)),
    hostname: 'mx.fwd.test',
    limits: { maxMessageSize: 200_000, maxRecipients: 20, maxConnections: 100, maxConnectionsPerIp: 50, idleTimeoutSeconds: 30, greetingDelayMs: 0 },
    insecureAuth: false,
    allowExpn: false,
    senderChecks: true,
    dmarcReject: true,
    dnsResolver: txtResolver,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
    onOutbound: (ids) => void worker.worker.queue.enqueue(ids),
  };
  smtp = new SmtpFrontEnd(ctx, await testCertificate());
  [{ port: mxPort }] = await smtp.listen([{ kind: 'mx', host: '127.0.0.1', port: 0 }]);
}, 60_000);

afterAll(async () => {
  await smtp?.close();
  await worker?.stop();
  redis?.disconnect();
  await Promise.all([remoteSink?.stop(), origSink?.stop()]);
  await dns?.stop();
  await db?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

let origSignedMessage: (subject: string) => Promise<Buffer>;
let srsAddress = '';

describe('forwarding with SRS and ARC', () => {
  it('an alias to a remote address: the copy arrives with an SRS sender of ours and an ARC seal the receiver verifies', async () => {
    const file = path.join(tmp, 'signed.eml');
    fs.writeFileSync(file, await origSignedMessage('forward-one'));
    const sent = await swaks(['--from', 'alice@orig.test', '--to', `friend@${OURS}`, '--data', file]);
    expect(sent, sent.out).toMatchObject({ ok: true });
    expect(sent.out).not.toContain('<**');
    const copy = await arrived(remoteSink, 'forward-one');
    expect(copy.to).toEqual(['bob@remote.test']);
    expect(copy.from).toMatch(/^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=orig\.test=alice@fwd\.test$/);
    srsAddress = copy.from;

    const text = copy.raw.toString('latin1');
    // the worker's DKIM signature on top of the ARC set on top of our MX's trace and results
    expect(text.indexOf('DKIM-Signature: ')).toBeLessThan(text.indexOf('ARC-Seal: i=1;'));
    // our MX's verdict, as its Authentication-Results field says, kept for the receiver (RFC 8617 4.1.1)
    expect(text).toMatch(/\r\nARC-Authentication-Results: i=1; mx\.fwd\.test; dkim=pass header\.i=@orig\.test[^\r]*; spf=pass [^\r]*smtp\.mailfrom=alice@orig\.test[^\r]*; dmarc=pass [^\r]*; arc=none\r\n/);
    expect(text).not.toMatch(/^Return-Path:/im);

    const verdict = await receiverVerdict(copy);
    expect(verdict.arc.status.result).toBe('pass');
    expect(verdict.arc.i).toBe(1);
    expect(verdict.arc.authenticationResults?.mta).toBe('mx.fwd.test');
    // SPF is checked for the SRS sender: our domain, sent from our address
    expect(verdict.spf?.status.result).toBe('pass');
    expect(verdict.dkim).toEqual(expect.arrayContaining([{ domain: 'fwd.test', result: 'pass' }, { domain: 'orig.test', result: 'pass' }]));
    expect(verdict.dmarc?.status.result).toBe('pass');
  });

  it('a bounce sent to the SRS address at our MX reaches the original sender, relayed for an unauthenticated client', async () => {
    expect(srsAddress).not.toBe('');
    const sent = await swaks(['--from', '<>', '--to', srsAddress, '--header', 'Subject: bounce-for-alice', '--body', 'your message could not be delivered']);
    expect(sent, sent.out).toMatchObject({ ok: true });
    expect(sent.out).not.toContain('<**');
    const bounce = await arrived(origSink, 'bounce-for-alice');
    expect(bounce.from).toBe('');
    expect(bounce.to).toEqual(['alice@orig.test']);
  });

  it('a forged SRS address, one with a changed original, and an expired one are refused with 550 5.7.1', async () => {
    const genuine = srsForward('alice@orig.test', OURS, { secret: Buffer.from(SECRET) }, new Date());
    const forged = genuine.replace(/^SRS0=[^=]{4}=/, (m) => (m.toUpperCase() === 'SRS0=AAAA=' ? 'SRS0=BBBB=' : 'SRS0=AAAA='));
    const refusedForged = await swaks(['--from', '<>', '--to', forged, '--quit-after', 'RCPT']);
    expect(refusedForged.out).toMatch(/<\*\* 550 5\.7\.1 Invalid SRS address: its signature is not ours/);
    const retargeted = genuine.replace('=alice@', '=mallory@');
    expect((await swaks(['--from', '<>', '--to', retargeted, '--quit-after', 'RCPT'])).out).toMatch(/<\*\* 550 5\.7\.1 Invalid SRS address/);
    // made with our secret 30 days ago: past MAILSTEAD_SRS_MAX_AGE (21 days)
    const old = srsForward('alice@orig.test', OURS, { secret: Buffer.from(SECRET) }, new Date(Date.now() - 30 * 86_400_000));
    const refusedOld = await swaks(['--from', '<>', '--to', old, '--quit-after', 'RCPT']);
    expect(refusedOld.out).toMatch(/<\*\* 550 5\.7\.1 Expired SRS address: bounces to forwarded mail are accepted for 21 days/);
    // one made 20 days ago is still taken
    const recent = srsForward('alice@orig.test', OURS, { secret: Buffer.from(SECRET) }, new Date(Date.now() - 20 * 86_400_000));
    const taken = await swaks(['--from', '<>', '--to', recent, '--quit-after', 'RCPT']);
    expect(taken, taken.out).toMatchObject({ ok: true });
    expect(taken.out).toMatch(/ -> RCPT TO:<SRS0=[^\n]*\n<- {2}250 2\.1\.5 /);
  });

  it('takes an SRS address whose local part passes 64 octets (a long original address inside) and reverses it', async () => {
    const original = 'notifications-and-receipts-for-account-12345@mail.orig.test';
    const long = srsForward(original, OURS, { secret: Buffer.from(SECRET) }, new Date());
    expect(long.slice(0, long.lastIndexOf('@')).length).toBeGreaterThan(64);
    dns.set('mail.orig.test', { mx: [[10, 'mx.orig.test']] });
    const sent = await swaks(['--from', '<>', '--to', long, '--header', 'Subject: bounce-long-local', '--body', 'bounced']);
    expect(sent, sent.out).toMatchObject({ ok: true });
    expect(sent.out).not.toContain('<**');
    const bounce = await arrived(origSink, 'bounce-long-local');
    expect(bounce.to).toEqual([original]);
  });

  it('the null sender stays null when forwarded', async () => {
    const sent = await swaks(['--from', '<>', '--to', `friend@${OURS}`, '--header', 'Subject: null-sender-forward', '--body', 'a notice']);
    expect(sent, sent.out).toMatchObject({ ok: true });
    expect(sent.out).not.toContain('<**');
    const copy = await arrived(remoteSink, 'null-sender-forward');
    expect(copy.from).toBe('');
    expect(copy.to).toEqual(['bob@remote.test']);
  });

  it("our DSN for a forwarded message goes to its SRS sender and so back to the original sender, not dropped", async () => {
    const sent = await swaks(['--from', 'alice@orig.test', '--to', `lost@${OURS}`, '--header', 'Subject: forward-to-nobody', '--body', 'this will bounce']);
    expect(sent, sent.out).toMatchObject({ ok: true });
    expect(sent.out).not.toContain('<**');
    const dsn = await waitFor('the DSN at the original sender', () => origSink.received.find((m) => m.raw.toString('latin1').includes('unknown@remote.test')));
    expect(dsn.from).toBe('');
    expect(dsn.to).toEqual(['alice@orig.test']);
    const text = dsn.raw.toString('latin1');
    expect(text).toMatch(/Content-Type: message\/delivery-status/i);
    expect(text).toMatch(/Final-Recipient: rfc822;\s*unknown@remote\.test/i);
    // addressed, as the header says, to the SRS address the forwarded copy carried
    expect(text).toMatch(/^To: <?SRS0=[^\r\n]*=orig\.test=alice@fwd\.test>?\r$/m);
  });
});
