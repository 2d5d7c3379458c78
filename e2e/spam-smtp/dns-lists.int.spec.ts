// DNS block- and allowlists on the MX (issue 21 item 1, RFC 5782) through the loopback DNS server
// the delivery tests use: a listed client is refused at RCPT naming the list, an unlisted one is
// not, a 127.255.255.254 refusal counts as not listed (and is logged), a `score` list becomes a
// symbol in the message's X-Spam-Status, domain lists catch the MAIL FROM domain and the HELO
// name, an allowlisted client is neither refused nor greylisted, and a list that never answers
// delays the session by no more than MAILSTEAD_DNSBL_TIMEOUT. Clients connect from 127.0.0.1
// (1.0.0.127.<zone>), so these front ends run with MAILSTEAD_TRUSTED_NETWORKS empty.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { spamPipelineOptions } from '@mailstead/pipeline';
import { runtimeConfig } from '@mailstead/testing';
import { mail, mailboxContents, seedDirectory, SmtpTalk, startSmtpHarness, type SmtpHarness } from '../../libs/smtp/src/test-support/smtp-harness';
import { TestDnsServer } from '../delivery/support/dns-server';
import { defenceFor, replies, swaks, TestClock, testRedis } from './support';

let harness: SmtpHarness;
let redis: Redis;
const dns = new TestDnsServer();
const clock = new TestClock();
const BOUND_MS = 400;

const noGreylist = { MAILSTEAD_TRUSTED_NETWORKS: '', MAILSTEAD_GREYLIST: 'false' };
async function mxWith(env: Record<string, string>, spam = false): Promise<number> {
  const config = await runtimeConfig(env);
  return (await harness.extra({ defence: await defenceFor(env, { clock, dnsPort: dns.port, redis }), ...(spam ? { spam: spamPipelineOptions(harness.db.store, config) } : {}) })).mx;
}

const send = (port: number, from: string, subject: string, ehlo = 'client.sender.example') =>
  swaks(['--server', `127.0.0.1:${port}`, '--ehlo', ehlo, '--from', from, '--to', 'alice@example.test', '--header', `Subject: ${subject}`, '--body', 'Hello.']);
const firstRefusal = (output: string) => replies(output).find((r) => /^[45]\d\d /.test(r));
const stored = async (subject: string) => (await mailboxContents(harness.db, 'alice@example.test')).find((raw) => raw.includes(`Subject: ${subject}\r\n`));

beforeAll(async () => {
  await dns.start();
  dns.set('1.0.0.127.block.test', { a: ['127.0.0.2'] });
  dns.set('1.0.0.127.score.test', { a: ['127.0.0.4'] });
  dns.set('1.0.0.127.refusing.test', { a: ['127.255.255.254'] });
  dns.set('1.0.0.127.wl.test', { a: ['127.0.15.1'] });
  dns.set('spammer.example.dbl.test', { a: ['127.0.1.2'] });
  dns.silence('silent.test');
  redis = testRedis();
  harness = await startSmtpHarness();
  await seedDirectory(harness.db);
});

afterAll(async () => {
  await harness?.close();
  redis?.disconnect();
  await dns.stop();
});

describe('DNS lists on the MX', () => {
  it('refuses a client on a reject list at RCPT with 554 5.7.1 naming the list', async () => {
    const port = await mxWith({ ...noGreylist, MAILSTEAD_DNSBL: 'clean.test=reject,block.test=reject' });
    const result = await send(port, 'someone@sender.example', 'from a listed client');
    expect(firstRefusal(result.output)).toBe('554 5.7.1 Service unavailable; client [127.0.0.1] blocked using block.test');
    expect(await stored('from a listed client')).toBeUndefined();
  });

  it('accepts a client no list lists, counts 127.255.255.254 as not listed and logs it, and carries a score list as a symbol', async () => {
    const port = await mxWith({ ...noGreylist, MAILSTEAD_DNSBL: 'clean.test=reject,refusing.test=reject,score.test=score:3' }, true);
    const result = await send(port, 'someone@sender.example', 'scored by a list');
    expect(result.code, result.output).toBe(0);
    const raw = (await stored('scored by a list'))!;
    const status = /^X-Spam-Status: (.*(?:\r\n[ \t].*)*)/m.exec(raw)![1]!.replace(/\r\n[ \t]/g, ' ');
    expect(status).toMatch(/tests=.*RBL_SCORE_TEST/);
    expect(status).not.toMatch(/REFUSING|CLEAN/);
    expect(harness.logs.some((l) => l.level === 'warn' && /refused the query/.test(l.msg) && JSON.stringify(l.obj).includes('refusing.test'))).toBe(true);
  });

  it('checks the MAIL FROM domain and the HELO name against domain lists', async () => {
    const port = await mxWith({ ...noGreylist, MAILSTEAD_DNSBL_DOMAINS: 'dbl.test=reject' });
    expect(firstRefusal((await send(port, 'boss@spammer.example', 'sender domain listed')).output)).toBe('554 5.7.1 Service unavailable; sender domain spammer.example blocked using dbl.test');
    expect(firstRefusal((await send(port, 'boss@clean.example', 'helo listed', 'spammer.example')).output)).toBe('554 5.7.1 Service unavailable; helo name spammer.example blocked using dbl.test');
    expect((await send(port, 'boss@clean.example', 'nothing listed')).code).toBe(0);
  });

  it('never refuses or greylists a client on a DNS allowlist', async () => {
    const port = await mxWith({ MAILSTEAD_TRUSTED_NETWORKS: '', MAILSTEAD_DNSBL: 'block.test=reject', MAILSTEAD_DNSWL: 'wl.test' });
    const result = await send(port, 'first-time@sender.example', 'allowlisted');
    expect(result.code, result.output).toBe(0);
    expect(await stored('allowlisted')).toBeDefined();
  });

  it('answers RCPT within the bound when a list never answers', async () => {
    const port = await mxWith({ ...noGreylist, MAILSTEAD_DNSBL: 'silent.test=reject', MAILSTEAD_DNSBL_TIMEOUT: `${BOUND_MS}ms` });
    const started = performance.now();
    const talk = await SmtpTalk.connect(port);
    await talk.cmd('EHLO client.sender.example');
    await talk.cmd('MAIL FROM:<someone@sender.example>');
    const rcpt = await talk.cmd('RCPT TO:<alice@example.test>');
    const elapsed = performance.now() - started;
    expect(rcpt).toMatch(/^250 /);
    expect(dns.queries).toContain('1 1.0.0.127.silent.test');
    // the lookup started at connect; RCPT waited for it at most the bound (plus the exchange itself)
    expect(elapsed).toBeLessThan(BOUND_MS + 300);
    expect(await talk.data(mail({ From: 'someone@sender.example', To: 'alice@example.test', Subject: 'past a silent list' }))).toMatch(/^250 /);
    talk.close();
  });

  it('answers RCPT within the bound when the DNS server itself never answers (lists and reverse DNS alike)', async () => {
    const mute = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => mute.bind(0, '127.0.0.1', resolve));
    const asked: string[] = [];
    mute.on('message', (msg) => asked.push(msg.toString('latin1')));
    try {
      const env = { ...noGreylist, MAILSTEAD_DNSBL: 'block.test=reject,score.test=score:3', MAILSTEAD_DNSBL_DOMAINS: 'dbl.test=reject', MAILSTEAD_DNSBL_TIMEOUT: `${BOUND_MS}ms` };
      const port = (await harness.extra({ defence: await defenceFor(env, { clock, dnsPort: mute.address().port, redis }) })).mx;
      const started = performance.now();
      const talk = await SmtpTalk.connect(port);
      await talk.cmd('EHLO client.sender.example');
      expect(await talk.cmd('MAIL FROM:<someone@sender.example>')).toMatch(/^250 /);
      expect(await talk.cmd('RCPT TO:<alice@example.test>')).toMatch(/^250 /);
      const elapsed = performance.now() - started;
      expect(asked.length).toBeGreaterThan(0);
      // IP lookups from connect, domain lookups from MAIL FROM: RCPT waits at most one bound for the later ones
      expect(elapsed).toBeLessThan(BOUND_MS + 300);
      talk.close();
    } finally {
      mute.close();
    }
  });
});
