// The quarantine end to end in Debian's Chromium (issue 21 tests): a message over the account's
// quarantine level arrives over SMTP and is held, the webmail's Quarantine page shows it with
// why (the checks that fired, what they found, the score), and "Not spam: release" puts it in
// INBOX.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, freePort, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';

const root = path.resolve(import.meta.dirname, '../..');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const DOMAIN = 'quarantine.test';

let db: TestDatabase;
let server: RunningServer;
let browser: Browser;
let page: Page;
let base: string;
let smtpPort: number;
let carol: number;

beforeAll(async () => {
  // The server serves dist/apps/web: build the current web app first.
  await promisify(execFile)('npx', ['vite', 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'error'], { cwd: root, timeout: 120_000 });
  db = await createTestDatabase();
  smtpPort = await freePort();
  const config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'api,smtp',
    MAILSTEAD_HOSTNAME: `mail.${DOMAIN}`,
    MAILSTEAD_SMTP_PORT: String(smtpPort),
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_ADMIN_ADDRESS: `postmaster@${DOMAIN}`,
  });
  server = await startServer(config, createLogger(config));
  base = `http://127.0.0.1:${config.http.port}`;
  carol = (await db.store.accounts.create({ address: `carol@${DOMAIN}`, passwordHash: await hashPassword('carol-password'), role: 'user' })).id;
  await db.store.spam.setThresholds({ accountId: carol }, { junk: 3, quarantine: 6, reject: 40 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

it('holds a high-scoring message, shows it with why in the webmail, and releases it into INBOX', async () => {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({
      envelope: { from: 'sender@remote.example', to: [`carol@${DOMAIN}`] },
      raw: `From: Billing <billing@${DOMAIN}>\r\nTo: carol@${DOMAIN}\r\nSubject: ACCOUNT SUSPENDED TODAY\r\nContent-Type: text/html\r\n\r\n<p>Pay now <a href="https://bit.ly/pay-now">here</a></p>\r\n`,
    });
  } finally {
    transport.close();
  }
  const inbox = (await db.store.mailboxes.findByName(carol, 'INBOX'))!;
  expect((await db.store.messages.list(inbox.id)).length).toBe(0);

  await page.goto(`${base}/mail/login`);
  await page.getByLabel('Address').fill(`carol@${DOMAIN}`);
  await page.getByLabel('Password').fill('carol-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/mail`);
  await page.goto(`${base}/mail/settings`);
  await page.getByRole('button', { name: 'Spam quarantine' }).click();
  await page.waitForURL(`${base}/mail/quarantine`);

  const held = page.getByRole('article', { name: 'ACCOUNT SUSPENDED TODAY' });
  await held.waitFor();
  await expect.poll(() => held.textContent()).toContain('URL_SHORTENER +1.5: bit.ly');
  const text = (await held.textContent())!;
  expect(text).toContain(`FORGED_OUR_DOMAIN +3: ${DOMAIN}`);
  expect(text).toContain('HTML_ONLY +1');
  expect(text).toMatch(/Spam score \d+\.\d/);
  expect(text).toContain(`From billing@${DOMAIN} to carol@${DOMAIN}`);

  await held.getByRole('button', { name: 'Not spam: release' }).click();
  await page.getByText('Released “ACCOUNT SUSPENDED TODAY” to your inbox').waitFor();
  expect((await db.store.messages.list(inbox.id)).map((m) => m.subject)).toEqual(['ACCOUNT SUSPENDED TODAY']);
  expect(await db.store.spam.quarantined(carol)).toEqual([]);
  await page.getByText(/Nothing is held/).waitFor();
}, 60_000);
