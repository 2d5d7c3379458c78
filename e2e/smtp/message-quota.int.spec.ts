// MAILSTEAD_IMAP_MESSAGE_QUOTA beyond IMAP: the server as it runs (runtime/server.ts, roles
// api + smtp, the limit given only as configuration) holds SMTP delivery and the webmail API to
// it. A full account is refused at RCPT with 452 4.2.2 while the other recipients of the same
// transaction are accepted (RFC 5321 4.5.3.1.10, RFC 3463 X.2.2); an account filled between
// RCPT and DATA gets 452 4.2.2 at DATA with nothing stored; a full list member is skipped while
// the post reaches the others; webmail copy, draft save and send answer 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, freePort, runtimeConfig, sampleMessage, type TestDatabase } from '@mailstead/testing';
import { mail, SmtpTalk } from '../../libs/smtp/src/test-support/smtp-harness';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';
import { Client } from '../api/api-harness';

const LIMIT = 3;
const FULL = '452 4.2.2 Mailbox full, try again later';
let db: TestDatabase;
let server: RunningServer;
let smtpPort: number;
let base: string;
let n = 0;

async function addUser(local: string): Promise<number> {
  return (await db.store.accounts.create({ address: `${local}@quota.test`, passwordHash: await hashPassword(`${local}-password`), role: 'user' })).id;
}

async function accountId(local: string): Promise<number> {
  return (await db.store.accounts.findByAddress(`${local}@quota.test`))!.id;
}

/** Messages the account holds in all its mailboxes. */
async function count(local: string): Promise<number> {
  return (await db.store.mailboxes.list(await accountId(local))).reduce((sum, b) => sum + b.messageCount, 0);
}

/** Puts messages straight into the INBOX, as another delivery or an IMAP APPEND would. */
async function fill(local: string, messages: number): Promise<bigint[]> {
  const inbox = (await db.store.mailboxes.findByName(await accountId(local), 'INBOX'))!;
  const stored = await db.store.messages.append(inbox.id, Array.from({ length: messages }, () => ({ raw: sampleMessage(++n, { to: `${local}@quota.test` }) })));
  return stored.map((s) => s.id);
}

async function inboxSubjects(local: string): Promise<string[]> {
  const inbox = (await db.store.mailboxes.findByName(await accountId(local), 'INBOX'))!;
  return (await db.store.messages.list(inbox.id)).map((m) => m.subject);
}

/** EHLO and MAIL FROM on the MX port. */
async function transaction(): Promise<SmtpTalk> {
  const c = await SmtpTalk.connect(smtpPort);
  expect(await c.cmd('EHLO client.remote.example')).toMatch(/^250/);
  expect(await c.cmd('MAIL FROM:<sender@remote.example>')).toMatch(/^250 /);
  return c;
}

beforeAll(async () => {
  db = await createTestDatabase();
  smtpPort = await freePort();
  const config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'api,smtp',
    MAILSTEAD_HOSTNAME: 'mx.quota.test',
    MAILSTEAD_SMTP_PORT: String(smtpPort),
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_ADMIN_ADDRESS: 'postmaster@quota.test',
    MAILSTEAD_IMAP_MESSAGE_QUOTA: String(LIMIT),
  });
  server = await startServer(config, createLogger(config));
  base = `http://127.0.0.1:${config.http.port}`;
  for (const local of ['full', 'room', 'race', 'other', 'member', 'writer']) await addUser(local);
  await db.store.aliases.create('fwd@quota.test', ['full@quota.test']);
  await db.store.lists.create({ address: 'team@quota.test', name: 'Team', policy: 'open' });
  for (const local of ['full', 'room', 'member']) await db.store.lists.addMember('team@quota.test', `${local}@quota.test`);
  await fill('full', LIMIT);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

describe('SMTP delivery and the message quota', () => {
  it('RCPT: a full account, directly or as an alias target, gets 452 4.2.2; the other recipient is accepted and gets the message', async () => {
    const c = await transaction();
    expect(await c.cmd('RCPT TO:<full@quota.test>')).toBe(FULL);
    expect(await c.cmd('RCPT TO:<fwd@quota.test>')).toBe(FULL);
    expect(await c.cmd('RCPT TO:<room@quota.test>')).toMatch(/^250 /);
    expect(await c.data(mail({ Subject: 'only for room' }))).toMatch(/^250 2\.0\.0/);
    await c.cmd('QUIT');
    c.close();
    expect(await inboxSubjects('room')).toEqual(['only for room']);
    expect(await count('full')).toBe(LIMIT);
  });

  it('DATA: an account filled between RCPT and DATA gets 452 4.2.2 and nothing is stored, for it or the other recipient', async () => {
    await fill('race', LIMIT - 1);
    const before = await count('other');
    const c = await transaction();
    expect(await c.cmd('RCPT TO:<race@quota.test>')).toMatch(/^250 /);
    expect(await c.cmd('RCPT TO:<other@quota.test>')).toMatch(/^250 /);
    await fill('race', 1); // another writer takes the last place
    expect(await c.data(mail({ Subject: 'too late' }))).toBe(FULL);
    await c.cmd('QUIT');
    c.close();
    expect(await count('race')).toBe(LIMIT);
    expect(await inboxSubjects('race')).not.toContain('too late');
    expect(await count('other')).toBe(before);
  });

  it('DATA with one recipient (a single statement): filled since RCPT, 452 4.2.2 and nothing stored', async () => {
    await fill('writer', LIMIT - 1);
    const c = await transaction();
    expect(await c.cmd('RCPT TO:<writer@quota.test>')).toMatch(/^250 /);
    await fill('writer', 1);
    expect(await c.data(mail({ Subject: 'no room' }))).toBe(FULL);
    c.close();
    expect(await count('writer')).toBe(LIMIT);
  });

  it('a list post skips the full member and reaches the others, also a member filled between RCPT and DATA', async () => {
    await fill('member', LIMIT - 1);
    const c = await transaction();
    expect(await c.cmd('RCPT TO:<team@quota.test>')).toMatch(/^250 /);
    await fill('member', 1);
    expect(await c.data(mail({ Subject: 'team news' }))).toMatch(/^250 2\.0\.0/);
    await c.cmd('QUIT');
    c.close();
    expect(await inboxSubjects('room')).toContain('team news');
    expect(await inboxSubjects('full')).not.toContain('team news');
    expect(await inboxSubjects('member')).not.toContain('team news');
    expect(await count('full')).toBe(LIMIT);
    expect(await count('member')).toBe(LIMIT);
  });
});

describe('webmail API and the message quota', () => {
  it('a full account cannot copy or save a new draft (409 with a message), nor be sent to; a move still works', async () => {
    const full = new Client(base);
    expect((await full.login('full@quota.test', 'full-password')).status).toBe(200);
    const fullId = await accountId('full');
    const archive = await db.store.mailboxes.create(fullId, 'Kept');
    const inbox = (await db.store.mailboxes.findByName(fullId, 'INBOX'))!;
    const [first] = (await db.store.messages.list(inbox.id)).map((m) => m.id.toString());

    const copy = await full.request('POST', '/api/messages/copy', { ids: [first], mailboxId: archive.id });
    expect(copy.status).toBe(409);
    expect(((await copy.json()) as { error: { message: string } }).error.message).toMatch(/quota exceeded/);
    expect(await count('full')).toBe(LIMIT);

    const draft = await full.request('POST', '/api/drafts', { from: 'full@quota.test', to: ['room@quota.test'], subject: 'a new draft', text: 'x' });
    expect(draft.status).toBe(409);
    expect(((await draft.json()) as { error: { message: string } }).error.message).toMatch(/quota exceeded/);
    expect(await count('full')).toBe(LIMIT);

    // a move adds nothing to the account
    expect(await full.json('POST', '/api/messages/move', { ids: [first], mailboxId: archive.id })).toEqual({ count: 1 });
    expect(await count('full')).toBe(LIMIT);

    const room = new Client(base);
    expect((await room.login('room@quota.test', 'room-password')).status).toBe(200);
    const send = await room.request('POST', '/api/send', { from: 'room@quota.test', to: ['full@quota.test'], subject: 'hello full', text: 'x' });
    expect(send.status).toBe(400);
    expect(JSON.stringify(await send.json())).toContain('full@quota.test: Mailbox full, try again later (4.2.2)');
    expect(await count('full')).toBe(LIMIT);
  });

  it('an account with room saves a draft up to the limit and may keep replacing it there', async () => {
    const c = new Client(base);
    expect((await c.login('other@quota.test', 'other-password')).status).toBe(200);
    await fill('other', LIMIT - 1 - (await count('other')));
    const first = await c.json<{ id: string }>('POST', '/api/drafts', { from: 'other@quota.test', subject: 'plan', text: 'v1' });
    expect(await count('other')).toBe(LIMIT);
    const second = await c.json<{ id: string }>('POST', '/api/drafts', { from: 'other@quota.test', subject: 'plan', text: 'v2', draftId: first.id });
    expect(second.id).not.toBe(first.id);
    expect(await count('other')).toBe(LIMIT);
    // a second, new draft would pass the limit
    expect((await c.request('POST', '/api/drafts', { from: 'other@quota.test', subject: 'another', text: 'x' })).status).toBe(409);
    expect(await count('other')).toBe(LIMIT);
  });
});
