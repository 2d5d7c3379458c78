// Strict SMTP on the MX (issue 21 item 1) over real sockets: HELO syntax and "is it us" checks,
// FCrDNS through the loopback DNS server (scored, visible in X-Spam-Status), per-IP connection and
// message rates (the clock in the test), and the cap on unknown recipients per session (a
// dictionary attack ends with 421 and a closed connection). Clients connect from 127.0.0.1, so
// these front ends run with MAILSTEAD_TRUSTED_NETWORKS empty and greylisting off.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { spamPipelineOptions } from '@mailstead/pipeline';
import { runtimeConfig } from '@mailstead/testing';
import type { SmtpContext } from '@mailstead/smtp';
import { mail, mailboxContents, seedDirectory, SmtpTalk, startSmtpHarness, type SmtpHarness } from '../../libs/smtp/src/test-support/smtp-harness';
import { TestDnsServer } from '../delivery/support/dns-server';
import { defenceFor, MINUTE, TestClock, testRedis } from './support';

let harness: SmtpHarness;
let redis: Redis;
const dns = new TestDnsServer();
const clock = new TestClock();
const base = { MAILSTEAD_TRUSTED_NETWORKS: '', MAILSTEAD_GREYLIST: 'false' };

async function mxWith(env: Record<string, string>, extra: Partial<SmtpContext> = {}): Promise<number> {
  const config = await runtimeConfig({ ...base, ...env });
  return (await harness.extra({ defence: await defenceFor({ ...base, ...env }, { clock, dnsPort: dns.port, redis }), spam: spamPipelineOptions(harness.db.store, config), ...extra })).mx;
}

/** EHLO with `helo`, MAIL FROM, RCPT to alice: the RCPT reply. */
async function rcptAfterHelo(port: number, helo: string): Promise<{ talk: SmtpTalk; rcpt: string }> {
  const talk = await SmtpTalk.connect(port);
  expect(await talk.cmd(`EHLO ${helo}`)).toMatch(/^250/);
  expect(await talk.cmd('MAIL FROM:<someone@sender.example>')).toMatch(/^250 /);
  return { talk, rcpt: await talk.cmd('RCPT TO:<alice@example.test>') };
}

/** Python's smtplib (a real client) sends one message to alice from the given local address. */
function smtplibSend(port: number, sourceIp: string, subject: string): Promise<void> {
  const script = [
    'import smtplib, sys',
    'port, source, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3]',
    "with smtplib.SMTP('127.0.0.1', port, local_hostname='client.sender.example', source_address=(source, 0), timeout=20) as s:",
    "    s.sendmail('someone@sender.example', ['alice@example.test'], f'From: someone@sender.example\\r\\nTo: alice@example.test\\r\\nSubject: {subject}\\r\\n\\r\\nHello.\\r\\n')",
  ].join('\n');
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', script, String(port), sourceIp, subject], { timeout: 30_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`smtplib: ${stderr}`)) : resolve()));
  });
}

/** The unfolded X-Spam-Status of the message in alice's INBOX with this subject. */
async function spamStatus(subject: string): Promise<string> {
  const raw = (await mailboxContents(harness.db, 'alice@example.test')).find((r) => r.includes(`Subject: ${subject}\r\n`))!;
  return /^X-Spam-Status: (.*(?:\r\n[ \t].*)*)/m.exec(raw)![1]!.replace(/\r\n[ \t]/g, ' ');
}

beforeAll(async () => {
  await dns.start();
  redis = testRedis();
  harness = await startSmtpHarness();
  await seedDirectory(harness.db);
});

afterAll(async () => {
  await harness?.close();
  redis?.disconnect();
  await dns.stop();
});

describe('HELO checks', () => {
  let port: number;
  beforeAll(async () => {
    port = await mxWith({});
  });

  it('refuses a malformed HELO name at RCPT with 501 5.5.2, as Postfix reject_invalid_helo_hostname', async () => {
    for (const helo of ['bad!name.example', 'host..example', '-dash.example', 'numeric.123', '[300.1.1.1]']) {
      const { talk, rcpt } = await rcptAfterHelo(port, helo);
      expect(rcpt, helo).toBe(`501 5.5.2 <${helo}>: Helo command rejected: Invalid name`);
      talk.close();
    }
  });

  it('refuses a foreign client that claims our host name with 550 5.7.1', async () => {
    const { talk, rcpt } = await rcptAfterHelo(port, 'MX.example.test');
    // smtp-server lower-cases the name it keeps
    expect(rcpt).toBe('550 5.7.1 <mx.example.test>: Helo command rejected: You are not me');
    talk.close();
  });

  it('accepts a bare IP and a dotless name but scores them (RFC 5321 4.1.3 wants [address])', async () => {
    for (const [helo, symbol] of [['127.0.0.1', 'HELO_BAREIP'], ['WORKSTATION', 'HELO_NOT_FQDN']] as const) {
      const { talk, rcpt } = await rcptAfterHelo(port, helo);
      expect(rcpt).toMatch(/^250 /);
      expect(await talk.data(mail({ From: 'someone@sender.example', To: 'alice@example.test', Subject: `helo ${helo}` }))).toMatch(/^250 /);
      talk.close();
      expect(await spamStatus(`helo ${helo}`)).toContain(symbol);
    }
    const { talk, rcpt } = await rcptAfterHelo(port, '[127.0.0.1]');
    expect(rcpt).toMatch(/^250 /);
    talk.close();
  });
});

describe('FCrDNS', () => {
  // From 127.0.0.5: 127.0.0.1 is in /etc/hosts, which the resolver's reverse lookup reads first.
  it('scores a client without reverse DNS, and one whose name does not resolve back, but not a confirmed one', async () => {
    const port = await mxWith({});
    const deliver = async (subject: string) => {
      await smtplibSend(port, '127.0.0.5', subject);
      return spamStatus(subject);
    };
    expect(await deliver('no ptr')).toContain('RDNS_NONE');
    dns.set('5.0.0.127.in-addr.arpa', { ptr: ['mail.sender.example'] });
    expect(await deliver('ptr not confirmed')).toContain('RDNS_NOT_CONFIRMED');
    dns.set('mail.sender.example', { a: ['127.0.0.5'] });
    expect(await deliver('ptr confirmed')).not.toMatch(/RDNS_/);
  });
});

describe('per-IP rates', () => {
  it('refuses connections beyond MAILSTEAD_SMTP_RATE_CONNECTIONS per minute with 421 4.7.0, and takes them again the next minute', async () => {
    const port = await mxWith({ MAILSTEAD_SMTP_RATE_CONNECTIONS: '3' });
    for (let i = 0; i < 3; i++) (await SmtpTalk.connect(port)).close();
    const refused = await SmtpTalk.connect(port, { greeting: false });
    expect(await refused.reply()).toBe('421 4.7.0 Too many connections from 127.0.0.1 in the last minute, try again later');
    refused.close();
    clock.advance(MINUTE);
    const next = await SmtpTalk.connect(port, { greeting: false });
    expect(await next.reply()).toMatch(/^220 /);
    next.close();
  });

  it('refuses transactions beyond MAILSTEAD_SMTP_RATE_MESSAGES per minute at MAIL FROM with 451 4.7.1', async () => {
    const port = await mxWith({ MAILSTEAD_SMTP_RATE_MESSAGES: '2' });
    const talk = await SmtpTalk.connect(port);
    await talk.cmd('EHLO client.sender.example');
    for (let i = 0; i < 2; i++) {
      expect(await talk.cmd('MAIL FROM:<someone@sender.example>')).toMatch(/^250 /);
      expect(await talk.cmd('RSET')).toMatch(/^250 /);
    }
    expect(await talk.cmd('MAIL FROM:<someone@sender.example>')).toBe('451 4.7.1 Too much mail from 127.0.0.1 in the last minute, try again later');
    clock.advance(MINUTE);
    expect(await talk.cmd('MAIL FROM:<someone@sender.example>')).toMatch(/^250 /);
    talk.close();
  });
});

describe('dictionary attacks', () => {
  it('closes the session with 421 4.7.0 at the MAILSTEAD_SMTP_MAX_REFUSED_RECIPIENTS-th unknown recipient', async () => {
    const port = await mxWith({}, { limits: { ...harness.ctx.limits, maxRefusedRecipients: 3 } });
    const talk = await SmtpTalk.connect(port);
    await talk.cmd('EHLO client.sender.example');
    await talk.cmd('MAIL FROM:<harvester@sender.example>');
    expect(await talk.cmd('RCPT TO:<aaron@example.test>')).toMatch(/^550 5\.1\.1 /);
    expect(await talk.cmd('RCPT TO:<alice@example.test>')).toMatch(/^250 /);
    expect(await talk.cmd('RCPT TO:<abby@example.test>')).toMatch(/^550 5\.1\.1 /);
    expect(await talk.cmd('RCPT TO:<adam@example.test>')).toBe('421 4.7.0 No such user here; too many unknown recipients, closing connection');
    expect(await talk.reply(5_000)).toBe('');
    expect(talk.closed).toBe(true);
  });
});
