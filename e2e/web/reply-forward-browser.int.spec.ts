import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { parseConfig } from '@mailstead/config';
import { createTestDatabase, freePort, redisUrl, type TestDatabase } from '@mailstead/testing';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';
import { attachmentDigests, digestsOf, messageWithAttachments, threeAttachments } from './draft-fixtures';

/**
 * Reply and forward from the webmail in Debian's Chromium against the real server: the
 * composer is filled from the server's one reply/forward builder (GET /api/messages/:id/reply),
 * so a forward carries the original's attachments and a reply's subject and quote are the
 * server's. Checked on what reaches the recipient's INBOX.
 */
const root = path.resolve(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let db: TestDatabase;
let server: RunningServer;
let browser: Browser;
let page: Page;
let base: string;
let aliceId: number;
let bobId: number;

async function addUser(address: string, password: string): Promise<number> {
  const domain = address.split('@')[1]!;
  if (!(await db.store.domains.findByName(domain))) await db.store.domains.create(domain);
  return (await db.store.accounts.create({ address, passwordHash: await hashPassword(password), role: 'user' })).id;
}

const inboxOf = async (accountId: number) => (await db.store.mailboxes.findByName(accountId, 'INBOX'))!;

/** The message with this subject in the account's INBOX, once it is there. */
async function arrived(accountId: number, subject: string) {
  const inbox = await inboxOf(accountId);
  await expect.poll(async () => (await db.store.messages.list(inbox.id)).some((m) => m.subject === subject), { timeout: 15_000 }).toBe(true);
  const message = (await db.store.messages.list(inbox.id)).find((m) => m.subject === subject)!;
  return { message, raw: await db.store.messages.raw(inbox.id, message.uid) };
}

const row = (subject: string) => page.locator('[role="option"]', { hasText: subject });

beforeAll(async () => {
  // The server serves dist/apps/web: build the current web app first.
  await promisify(execFile)('npx', ['vite', 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'error'], { cwd: root, timeout: 120_000 });
  db = await createTestDatabase();
  const config = parseConfig({
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl(),
    MAILSTEAD_ROLES: 'api',
    MAILSTEAD_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-drafts-')),
    MAILSTEAD_HOSTNAME: 'mail.drafts.test',
    MAILSTEAD_BIND: '127.0.0.1',
    MAILSTEAD_HTTP_PORT: String(await freePort()),
    MAILSTEAD_LOG_LEVEL: 'warn',
  });
  server = await startServer(config, createLogger(config));
  base = `http://127.0.0.1:${config.http.port}`;

  aliceId = await addUser('alice@drafts.test', 'alice-password');
  bobId = await addUser('bob@drafts.test', 'bob-password');
  const inbox = await inboxOf(aliceId);
  await db.store.messages.append(inbox.id, [
    {
      raw: messageWithAttachments(
        { From: 'Carol <carol@friends.test>', To: 'alice@drafts.test', Subject: 'Numbers for Q4', Date: 'Mon, 02 Nov 2026 10:00:00 +0000', 'Message-ID': '<numbers@friends.test>' },
        'The three files are attached.',
        threeAttachments(),
      ),
      internalDate: new Date('2026-11-02T10:00:00Z'),
    },
    {
      raw: Buffer.from(
        [
          'From: Bob <bob@drafts.test>',
          'To: alice@drafts.test',
          'Subject: RE: AW: Plan',
          'Date: Tue, 03 Nov 2026 10:00:00 +0000',
          'Message-ID: <plan@drafts.test>',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Line one',
          '> earlier quote',
          '',
          'Bob',
          '',
        ].join('\r\n'),
      ),
      internalDate: new Date('2026-11-03T10:00:00Z'),
    },
  ]);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

it('forwards a message with three attachments (all three arrive, byte for byte) and replies with the server’s subject and quote', async () => {
  await page.goto(`${base}/mail/login`);
  // Plain text composing, so the quote in the composer is the server's text as it is.
  await page.evaluate(() => localStorage.setItem('mailstead.settings.alice@drafts.test', JSON.stringify({ composeMode: 'text' })));
  await page.getByLabel('Address').fill('alice@drafts.test');
  await page.getByLabel('Password').fill('alice-password');
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Forward: the composer lists the original's attachments as uploads; removing none, all three go.
  await row('Numbers for Q4').click();
  await page.getByRole('article').getByText('The three files are attached.').waitFor();
  await page.getByRole('button', { name: 'Forward', exact: true }).click();
  const composer = page.getByRole('dialog');
  await expect.poll(() => composer.getByLabel('Subject').inputValue()).toBe('Fwd: Numbers for Q4');
  for (const a of threeAttachments()) await composer.getByRole('button', { name: `Remove ${a.filename}` }).waitFor();
  expect(await composer.getByRole('textbox', { name: 'Message' }).inputValue()).toContain('---------- Forwarded message ----------\nFrom: Carol <carol@friends.test>');
  await composer.getByLabel('To').fill('bob@drafts.test,');
  await composer.getByRole('button', { name: 'Send' }).click();
  await page.getByText('Message sent').waitFor();
  const forwarded = await arrived(bobId, 'Fwd: Numbers for Q4');
  expect(attachmentDigests(forwarded.raw)).toEqual(digestsOf(threeAttachments()));
  // A forward is not an answer: the original is not flagged \Answered.
  const original = (await db.store.messages.list((await inboxOf(aliceId)).id)).find((m) => m.subject === 'Numbers for Q4')!;
  expect(original.answered).toBe(false);

  // Reply by keyboard: the composer holds exactly the server's form (subject, recipients, quote).
  await row('RE: AW: Plan').click();
  await page.getByRole('article').getByText('earlier quote').waitFor();
  const planId = (await db.store.messages.list((await inboxOf(aliceId)).id)).find((m) => m.subject === 'RE: AW: Plan')!.id;
  const form = (await (await page.request.get(`${base}/api/messages/${planId}/reply`)).json()) as { subject: string; text: string };
  expect(form.subject).toBe('Re: Plan');
  expect(form.text).toMatch(/^\n\nOn Tue, 03 Nov 2026 10:00:00 GMT, Bob <bob@drafts\.test> wrote:\n> Line one\n>> earlier quote\n>\n> Bob\n$/);
  await page.keyboard.press('r');
  await expect.poll(() => composer.getByLabel('Subject').inputValue()).toBe(form.subject);
  const body = composer.getByRole('textbox', { name: 'Message' });
  expect(await body.inputValue()).toBe(form.text);
  await body.press('Control+Home');
  await body.pressSequentially('Agreed.');
  await composer.getByRole('button', { name: 'Send' }).click();
  await page.getByText('Message sent').waitFor();
  const reply = await arrived(bobId, 'Re: Plan');
  const parsed = await simpleParser(reply.raw);
  expect(parsed.inReplyTo).toBe('<plan@drafts.test>');
  expect(parsed.text?.replace(/\r\n/g, '\n').trimEnd()).toBe(`Agreed.${form.text}`.trimEnd());
}, 90_000);
