// Outbound rate limits (issue 21 item 7): per account and per domain, messages and recipients per
// hour, on SMTP submission (nodemailer, a real client) and the webmail's send (the same service the
// API uses, and the API itself answering 429): 451 4.7.1 beyond a limit with a clear text, one
// audit log entry per window when an account hits it, and sending again in the next hour (the
// clock in the test).
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { runtimeConfig } from '@mailstead/testing';
import { seedDirectory, startSmtpHarness, type SmtpHarness } from '../../libs/smtp/src/test-support/smtp-harness';
import { MessageSubmissionService, SubmissionRefused } from '../../apps/server/src/services/message-submission.service';
import { addUser, Client, startApi, type ApiHarness } from '../api/api-harness';
import { defenceFor, MINUTE, TestClock, testRedis } from './support';

let harness: SmtpHarness;
let redis: Redis;
const clock = new TestClock();
const HOUR = 60 * MINUTE;

const transport = (port: number, user: string) =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, auth: { user, pass: 'secret-password' }, tls: { rejectUnauthorized: false } });

/** nodemailer's answer: the 250 text, or the refusal "NNN text". */
async function submit(port: number, user: string, to: string[], subject: string): Promise<string> {
  try {
    return (await transport(port, user).sendMail({ from: user, to, subject, text: 'hello' })).response;
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; message: string };
    return e.response ?? e.message;
  }
}

const rateAudits = async () => (await harness.db.store.audit.recent(100)).filter((e) => e.action === 'submission.rate_limited');

beforeAll(async () => {
  redis = testRedis();
  harness = await startSmtpHarness();
  await seedDirectory(harness.db);
});

afterAll(async () => {
  await harness?.close();
  redis?.disconnect();
});

describe('submission rate limits', () => {
  it('refuses the message beyond MAILSTEAD_SUBMISSION_RATE_MESSAGES with 451 4.7.1, audits it once per hour, and sends again the next hour', async () => {
    const env = { MAILSTEAD_SUBMISSION_RATE_MESSAGES: '2' };
    const { submission } = await harness.extra({ defence: await defenceFor(env, { clock, redis }) });
    clock.now = Math.floor(clock.now / HOUR) * HOUR + 30 * MINUTE;
    for (let i = 0; i < 2; i++) expect(await submit(submission, 'alice@example.test', ['bob@example.test'], `within ${i}`)).toMatch(/^250 /);
    const over = await submit(submission, 'alice@example.test', ['bob@example.test'], 'over');
    expect(over).toBe('451 4.7.1 Sending limit reached: this account may send 2 messages per hour; try again in 30 minutes');
    expect(await submit(submission, 'alice@example.test', ['bob@example.test'], 'over again')).toMatch(/^451 4\.7\.1 /);
    const audits = await rateAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor: 'system', target: 'alice@example.test', details: { scope: 'account', kind: 'messages', limit: 2, account: 'alice@example.test' } });
    // another account is not held by alice's count
    expect(await submit(submission, 'bob@example.test', ['alice@example.test'], 'bob sends')).toMatch(/^250 /);

    clock.advance(HOUR);
    expect(await submit(submission, 'alice@example.test', ['bob@example.test'], 'next hour')).toMatch(/^250 /);
  });

  it('refuses recipients beyond MAILSTEAD_SUBMISSION_RATE_RECIPIENTS at RCPT', async () => {
    const env = { MAILSTEAD_SUBMISSION_RATE_RECIPIENTS: '3' };
    const { submission } = await harness.extra({ defence: await defenceFor(env, { clock, redis }) });
    expect(await submit(submission, 'dave@example.test', ['alice@example.test', 'bob@example.test'], 'two recipients')).toMatch(/^250 /);
    // the third recipient is accepted, the fourth refused at RCPT (nodemailer sends to the accepted one and reports the other)
    const info = await transport(submission, 'dave@example.test').sendMail({ from: 'dave@example.test', to: ['alice@example.test', 'bob@example.test'], subject: 'one too many', text: 'hello' });
    expect(info.accepted).toEqual(['alice@example.test']);
    expect(info.rejected).toEqual(['bob@example.test']);
    expect((info.rejectedErrors?.[0] as { response?: string } | undefined)?.response).toMatch(/^451 4\.7\.1 Sending limit reached: this account may send to 3 recipients per hour; try again in \d+ minutes?$/);
  });

  it('holds all accounts of a domain to MAILSTEAD_SUBMISSION_RATE_DOMAIN_MESSAGES together', async () => {
    const env = { MAILSTEAD_SUBMISSION_RATE_DOMAIN_MESSAGES: '2' };
    const { submission } = await harness.extra({ defence: await defenceFor(env, { clock, redis }) });
    clock.advance(HOUR);
    expect(await submit(submission, 'alice@example.test', ['dave@example.test'], 'domain 1')).toMatch(/^250 /);
    expect(await submit(submission, 'bob@example.test', ['dave@example.test'], 'domain 2')).toMatch(/^250 /);
    expect(await submit(submission, 'dave@example.test', ['alice@example.test'], 'domain 3')).toMatch(/^451 4\.7\.1 Sending limit reached: the domain example\.test may send 2 messages per hour/);
    expect((await rateAudits()).some((e) => e.target === 'example.test' && (e.details as { scope: string }).scope === 'domain')).toBe(true);
  });
});

describe("the webmail's send", () => {
  it('is held to the same limits and refused as rate_limited', async () => {
    const config = await runtimeConfig({ MAILSTEAD_SUBMISSION_RATE_MESSAGES: '1' });
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const service = new MessageSubmissionService(harness.db.store, config, logger, redis, clock.read);
    clock.advance(HOUR);
    const alice = (await harness.db.store.accounts.findByAddress('alice@example.test'))!;
    const raw = (subject: string) => Buffer.from(`From: alice@example.test\r\nTo: bob@example.test\r\nSubject: ${subject}\r\n\r\nhello\r\n`);
    const submitter = { accountId: alice.id, address: alice.address };
    await service.submit(submitter, 'alice@example.test', ['bob@example.test'], raw('webmail 1'));
    const refused = await service.submit(submitter, 'alice@example.test', ['bob@example.test'], raw('webmail 2')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SubmissionRefused);
    expect(refused).toMatchObject({ kind: 'rate_limited', details: [expect.stringMatching(/^Sending limit reached: this account may send 1 message per hour; try again in \d+ minutes? \(4\.7\.1\)$/)] });
  });
});

describe('the API', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ env: { MAILSTEAD_SUBMISSION_RATE_MESSAGES: '1' } });
    await addUser(api.db, 'erin@rate.test', 'erin-password');
    await addUser(api.db, 'frank@rate.test', 'frank-password');
    await addUser(api.db, 'boss@rate.test', 'boss-password', 'admin');
  });
  afterAll(async () => api?.stop());

  it('answers a rate-limited send with 429 and the sentence, and the admin audit log shows the alert', async () => {
    const erin = new Client(api.base);
    await erin.login('erin@rate.test', 'erin-password');
    // the wall clock runs here: with a limit of 1, the second send is refused, or the third when
    // the first two straddled the turn of an hour
    let refusal: Response | null = null;
    for (let i = 0; i < 3 && !refusal; i++) {
      const res = await erin.post('/api/send', { from: 'erin@rate.test', to: ['frank@rate.test'], subject: `api ${i}`, text: 'hi' });
      if (res.status === 429) refusal = res;
      else expect(res.status).toBe(200);
    }
    expect(refusal).not.toBeNull();
    expect(await refusal!.json()).toMatchObject({ error: { status: 429, code: 'too_many_requests', message: expect.stringMatching(/^Sending limit reached: this account may send 1 message per hour; try again in \d+ minutes? \(4\.7\.1\)$/) } });

    // the console's audit log page reads this list: the alert is there, once
    const admin = new Client(api.base);
    await admin.login('boss@rate.test', 'boss-password');
    const entries = await admin.json('GET', `/api/admin/audit?filter=${encodeURIComponent(JSON.stringify({ q: 'rate_limited' }))}`);
    expect(entries).toMatchObject([{ actor: 'system', action: 'submission.rate_limited', target: 'erin@rate.test', details: { scope: 'account', kind: 'messages', limit: 1 } }]);
  });
});
