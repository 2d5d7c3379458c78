// Greylisting on the MX (issue 21 item 1, RFC 6647) with a real client (swaks), the clock in the
// test's hands: a first attempt gets 451 4.7.1, a retry before MAILSTEAD_GREYLIST_DELAY too, one
// after it is delivered; a network that passed MAILSTEAD_GREYLIST_AUTO_ALLOW times is no longer
// greylisted; authenticated submission, trusted networks and SPF-pass mail from a domain the
// recipient wrote to are never greylisted. Clients connect from 127.0.0.1, so the greylisting
// front ends run with MAILSTEAD_TRUSTED_NETWORKS empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { mailboxContents, seedDirectory, startSmtpHarness, testDns, type SmtpHarness } from '../../libs/smtp/src/test-support/smtp-harness';
import { TestDnsServer } from '../delivery/support/dns-server';
import { defenceFor, MINUTE, replies, swaks, TestClock, testRedis } from './support';

let harness: SmtpHarness;
let redis: Redis;
const dns = new TestDnsServer();
const clock = new TestClock();
let mx: number;
let submission: number;
let autoAllowMx: number;
let trustedMx: number;

const send = (port: number, from: string, to: string, subject: string, extra: string[] = []) =>
  swaks(['--server', `127.0.0.1:${port}`, '--ehlo', 'client.sender.example', '--from', from, '--to', to, '--header', `Subject: ${subject}`, '--body', 'Hello.', ...extra]);

const subjects = async (address: string) => (await mailboxContents(harness.db, address)).map((raw) => /^Subject: (.*)$/m.exec(raw)?.[1]);

beforeAll(async () => {
  await dns.start();
  redis = testRedis();
  harness = await startSmtpHarness();
  await seedDirectory(harness.db);
  const greylisting = { MAILSTEAD_TRUSTED_NETWORKS: '', MAILSTEAD_GREYLIST_AUTO_ALLOW: '0' };
  const ports = await harness.extra({ defence: await defenceFor(greylisting, { clock, dnsPort: dns.port, redis }) });
  mx = ports.mx;
  submission = ports.submission;
  autoAllowMx = (await harness.extra({ defence: await defenceFor({ MAILSTEAD_TRUSTED_NETWORKS: '', MAILSTEAD_GREYLIST_AUTO_ALLOW: '2' }, { clock, dnsPort: dns.port, redis }) })).mx;
  trustedMx = (await harness.extra({ defence: await defenceFor({}, { clock, dnsPort: dns.port, redis }) })).mx;
});

afterAll(async () => {
  await harness?.close();
  redis?.disconnect();
  await dns.stop();
});

describe('greylisting on the MX', () => {
  it('defers a first attempt with 451 4.7.1, again before the delay, and delivers the retry after it', async () => {
    const first = await send(mx, 'news@sender.example', 'alice@example.test', 'greylisted once');
    expect(first.code).not.toBe(0);
    const refusal = replies(first.output).find((r) => r.startsWith('451'));
    expect(refusal).toMatch(/^451 4\.7\.1 Greylisted: .*try again in 5 minutes$/);
    expect(await subjects('alice@example.test')).not.toContain('greylisted once');

    clock.advance(4 * MINUTE);
    const early = await send(mx, 'news@sender.example', 'alice@example.test', 'greylisted once');
    expect(replies(early.output).find((r) => r.startsWith('451'))).toMatch(/^451 4\.7\.1 Greylisted: .*try again in 1 minute$/);

    clock.advance(MINUTE + 1_000);
    const retry = await send(mx, 'news@sender.example', 'alice@example.test', 'greylisted once');
    expect(retry.code, retry.output).toBe(0);
    expect(await subjects('alice@example.test')).toContain('greylisted once');

    // the passed triplet is known from now on: no new delay
    const again = await send(mx, 'news@sender.example', 'alice@example.test', 'known sender');
    expect(again.code, again.output).toBe(0);
  });

  it('refuses an unknown recipient with 550 at once, not a greylisting 451', async () => {
    const result = await send(mx, 'news@sender.example', 'nobody@example.test', 'to nobody');
    expect(replies(result.output).find((r) => /^[45]\d\d /.test(r))).toMatch(/^550 5\.1\.1 /);
  });

  it('stops greylisting a client network after it passed MAILSTEAD_GREYLIST_AUTO_ALLOW times', async () => {
    for (const sender of ['one@list.example', 'two@list.example']) {
      expect((await send(autoAllowMx, sender, 'bob@example.test', `auto ${sender}`)).code).not.toBe(0);
      clock.advance(6 * MINUTE);
      const retry = await send(autoAllowMx, sender, 'bob@example.test', `auto ${sender}`);
      expect(retry.code, retry.output).toBe(0);
    }
    const fresh = await send(autoAllowMx, 'three@list.example', 'dave@example.test', 'auto-allowed at once');
    expect(fresh.code, fresh.output).toBe(0);
    expect(await subjects('dave@example.test')).toContain('auto-allowed at once');
  });

  it('never greylists authenticated submission', async () => {
    const result = await send(submission, 'alice@example.test', 'bob@example.test', 'submitted', ['--auth', 'PLAIN', '--auth-user', 'alice@example.test', '--auth-password', 'secret-password']);
    expect(result.code, result.output).toBe(0);
    expect(await subjects('bob@example.test')).toContain('submitted');
  });

  it('never greylists a client in MAILSTEAD_TRUSTED_NETWORKS (loopback by default)', async () => {
    const result = await send(trustedMx, 'fresh@stranger.example', 'alice@example.test', 'from a trusted network');
    expect(result.code, result.output).toBe(0);
  });

  it('lets SPF-pass mail from a domain the recipient has written to through at once', async () => {
    // alice writes to carol@partner.example (an outbound row), partner.example's SPF covers 127.0.0.1
    const out = await send(submission, 'alice@example.test', 'carol@partner.example', 'hello partner', ['--auth', 'PLAIN', '--auth-user', 'alice@example.test', '--auth-password', 'secret-password']);
    expect(out.code, out.output).toBe(0);
    testDns.set('TXT:partner.example', [['v=spf1 ip4:127.0.0.1 -all']]);
    testDns.set('TXT:stranger.example', [['v=spf1 ip4:127.0.0.1 -all']]);
    try {
      const reply = await send(mx, 'carol@partner.example', 'alice@example.test', 'reply from partner');
      expect(reply.code, reply.output).toBe(0);
      expect(await subjects('alice@example.test')).toContain('reply from partner');
      // the same SPF pass from a domain nobody here wrote to is greylisted
      const stranger = await send(mx, 'someone@stranger.example', 'alice@example.test', 'stranger');
      expect(replies(stranger.output).find((r) => r.startsWith('451'))).toMatch(/^451 4\.7\.1 Greylisted/);
    } finally {
      testDns.delete('TXT:partner.example');
      testDns.delete('TXT:stranger.example');
    }
  });
});
