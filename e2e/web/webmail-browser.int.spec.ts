import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { Secret, TOTP } from 'otpauth';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, freePort, runtimeConfig, sampleMessage, type TestDatabase } from '@mailstead/testing';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';

/**
 * The webmail in Debian's Chromium against the real server (API + SMTP roles, the built web
 * app served by it): login, live delivery, reading, remote images, a hostile message, reply,
 * drag-and-drop, search, themes, logout. Screenshots land in e2e/screenshots/.
 */
const root = path.resolve(import.meta.dirname, '../..');
const shots = path.join(root, 'e2e', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let db: TestDatabase;
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
let smtpPort: number;
let aliceId: number;
let bobId: number;
/** Every request the browser made to an attacker host, and every dialog a page opened. */
const attackerRequests: string[] = [];
const dialogs: string[] = [];

const hostileHtml = () =>
  Buffer.from(
    [
      'From: Mallory <mallory@evil.test>',
      'To: alice@webmail.test',
      'Subject: Hostile newsletter',
      'Date: Mon, 02 Nov 2026 10:00:00 +0000',
      'Message-ID: <hostile@evil.test>',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<h1 onclick="alert(0)">Big sale</h1><script>alert(1)</script><img src="x" onerror="alert(2)">',
      '<img src="https://tracker.evil.test/pixel.gif" alt="pixel"><svg onload="alert(5)"></svg>',
      '<a href="javascript:alert(3)">click</a><div style="background:url(https://evil.test/x.png)">styled</div>',
      '<iframe src="https://evil.test/frame"></iframe><link rel="stylesheet" href="https://evil.test/s.css">',
      '<meta http-equiv="refresh" content="0;url=https://evil.test/"><form action="https://evil.test/"><input name="p"></form>',
      '<object data="https://evil.test/o"></object><video poster="https://evil.test/p.png"></video>',
      '',
    ].join('\r\n'),
  );

async function addUser(address: string, password: string): Promise<number> {
  const domain = address.split('@')[1]!;
  if (!(await db.store.domains.findByName(domain))) await db.store.domains.create(domain);
  return (await db.store.accounts.create({ address, passwordHash: await hashPassword(password), role: 'user' })).id;
}

async function inboxOf(accountId: number) {
  return (await db.store.mailboxes.findByName(accountId, 'INBOX'))!;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const row = (subject: string) => page.locator('[role="option"]', { hasText: subject });

interface AXNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  properties?: { name: string; value: { value: unknown } }[];
  backendDOMNodeId?: number;
}
const CONTROL_ROLES = new Set(['button', 'textbox', 'searchbox', 'checkbox', 'combobox', 'link', 'option', 'menuitem', 'radio', 'switch', 'slider', 'tab', 'spinbutton', 'listbox']);

/**
 * Accessibility check of the current screen, from Chromium's own accessibility tree: every
 * control (button, field, checkbox, link, option...) must have an accessible name and be
 * focusable (reachable by keyboard) unless disabled. Answers the offending controls.
 */
async function inaccessibleControls(): Promise<string[]> {
  const cdp = await context.newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
    const problems: string[] = [];
    for (const n of nodes) {
      const role = n.role?.value ?? '';
      if (n.ignored || !CONTROL_ROLES.has(role)) continue;
      const prop = (name: string) => n.properties?.find((p) => p.name === name)?.value.value;
      const issues = [!(n.name?.value ?? '').trim() && 'no accessible name', !prop('disabled') && role !== 'listbox' && !prop('focusable') && 'not focusable'].filter(Boolean);
      if (issues.length === 0) continue;
      const { node } = (await cdp.send('DOM.describeNode', { backendNodeId: n.backendDOMNodeId })) as { node: { localName: string; attributes?: string[] } };
      problems.push(`${role} <${node.localName} ${(node.attributes ?? []).join(' ').slice(0, 160)}>: ${issues.join(', ')}`);
    }
    return problems;
  } finally {
    await cdp.detach();
  }
}

beforeAll(async () => {
  // The server serves dist/apps/web: build the current web app first.
  await promisify(execFile)('npx', ['vite', 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'error'], { cwd: root, timeout: 120_000 });
  db = await createTestDatabase();
  smtpPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-web-'));
  const config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'api,smtp',
    MAILSTEAD_DATA_DIR: dataDir,
    MAILSTEAD_HOSTNAME: 'mail.webmail.test',
    MAILSTEAD_SMTP_PORT: String(smtpPort),
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_ADMIN_ADDRESS: 'postmaster@webmail.test',
  });
  server = await startServer(config, createLogger(config));
  base = `http://127.0.0.1:${config.http.port}`;

  aliceId = await addUser('alice@webmail.test', 'alice-password');
  bobId = await addUser('bob@webmail.test', 'bob-password');
  await db.store.mailboxes.create(aliceId, 'Projects');
  const inbox = await inboxOf(aliceId);
  await db.store.messages.append(inbox.id, [
    { raw: sampleMessage(1, { subject: 'Banana bread recipe', from: 'Carol <carol@friends.test>', body: 'Flour, bananas, love.' }), internalDate: new Date('2026-11-01T10:00:00Z') },
    { raw: hostileHtml(), internalDate: new Date('2026-11-02T10:00:00Z') },
    { raw: sampleMessage(3, { subject: 'Quarterly report', from: 'Dave <dave@friends.test>' }), internalDate: new Date('2026-11-03T10:00:00Z'), flags: ['\\Seen'] },
    {
      raw: sampleMessage(4, { subject: 'Lunch on Friday?', from: 'Bob <bob@webmail.test>', to: 'alice@webmail.test', body: 'Shall we try the new place?' }),
      internalDate: new Date('2026-11-04T10:00:00Z'),
    },
  ]);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await context.route(/evil\.test/, async (route) => {
    attackerRequests.push(route.request().url());
    await route.abort();
  });
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

it('logs in, sees new mail arrive live, reads safely, replies, moves by drag-and-drop, searches, switches theme and logs out', async () => {
  // Unauthenticated: the login page, which comes back to the mail after signing in.
  await page.goto(`${base}/mail`);
  await page.waitForURL(/\/mail\/login\?next=%2Fmail/);
  await page.getByLabel('Address').waitFor();
  expect(await inaccessibleControls()).toEqual([]);
  await page.getByLabel('Address').fill('alice@webmail.test');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Wrong address or password.').waitFor();
  await page.getByLabel('Password').fill('alice-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await row('Banana bread recipe').waitFor();
  expect(new URL(page.url()).pathname).toBe('/mail');
  await page.getByRole('button', { name: /^Inbox, 3 unread$/ }).waitFor();
  expect(await page.title()).toMatch(/^\(3\) Inbox/);
  await page.screenshot({ path: path.join(shots, 'inbox-light.png') });
  expect(await inaccessibleControls()).toEqual([]);

  // A message delivered over SMTP (MX) shows up without a reload; the counts and title follow.
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  await transport.sendMail({
    envelope: { from: 'erin@friends.test', to: ['alice@webmail.test'] },
    raw: 'From: Erin <erin@friends.test>\r\nTo: alice@webmail.test\r\nSubject: Live delivery check\r\nMessage-ID: <live@friends.test>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello <b>Alice</b>, here is a picture:</p><img src="https://images.friends.test/cat.png" alt="cat">\r\n',
  });
  transport.close();
  await row('Live delivery check').waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: /^Inbox, 4 unread$/ }).waitFor();
  await until('the tab title', async () => /^\(4\) Inbox/.test(await page.title()));

  // Open it: sandboxed body, remote image blocked behind the "show images" bar.
  await row('Live delivery check').click();
  const body = page.frameLocator('iframe[title="Message body"]');
  await body.getByText('here is a picture').waitFor();
  await page.getByText('Remote images are blocked to protect your privacy.').waitFor();
  expect(await body.locator('img').getAttribute('src')).toBeNull();
  await page.getByRole('button', { name: /^Inbox, 3 unread$/ }).waitFor();
  await page.screenshot({ path: path.join(shots, 'reader-light.png') });
  expect(await inaccessibleControls()).toEqual([]);

  // The hostile message: nothing runs, nothing reaches the attacker's hosts.
  await row('Hostile newsletter').click();
  await body.getByText('Big sale').waitFor();
  const frame = page.locator('iframe[title="Message body"]');
  const sandbox = (await frame.getAttribute('sandbox'))!.split(/\s+/);
  expect(sandbox).not.toContain('allow-scripts');
  expect(sandbox).not.toContain('allow-same-origin');
  expect(await frame.getAttribute('srcdoc')).not.toMatch(/<script|onerror=|onload=|javascript:|evil\.test/i);
  await body.getByText('Big sale').click();
  await page.waitForTimeout(500);
  expect(dialogs).toEqual([]);
  expect(attackerRequests).toEqual([]);

  // Reply to Bob in rich text (bold by keyboard): the reply lands in Bob's inbox as HTML + text.
  await row('Lunch on Friday?').click();
  await page.getByRole('article').getByText('Shall we try the new place?').waitFor();
  await page.keyboard.press('r');
  const composer = page.getByRole('dialog');
  await expect.poll(() => composer.getByLabel('Subject').inputValue()).toBe('Re: Lunch on Friday?');
  const editor = composer.getByRole('textbox', { name: 'Message' });
  await expect.poll(() => editor.locator('blockquote').first().textContent()).toContain('Shall we try the new place?');
  await editor.press('Control+Home');
  await editor.pressSequentially('Friday works for me. ');
  await editor.press('Control+b');
  await editor.pressSequentially('See you there');
  await editor.press('Control+b');
  expect(await editor.innerHTML()).toMatch(/Friday works for me\. <b>See you there<\/b>/);
  expect(await composer.getByRole('button', { name: 'Bold' }).getAttribute('aria-pressed')).toBe('false');
  await page.screenshot({ path: path.join(shots, 'composer-light.png') });
  expect(await inaccessibleControls()).toEqual([]);
  await composer.getByRole('button', { name: 'Send' }).click();
  await page.getByText('Message sent').waitFor();
  const bobInbox = await inboxOf(bobId);
  const reply = await until('the reply in Bob’s inbox', async () => (await db.store.messages.list(bobInbox.id)).find((m) => m.subject === 'Re: Lunch on Friday?'));
  const replyRaw = await db.store.messages.raw(bobInbox.id, reply.uid);
  expect(replyRaw.toString()).toMatch(/content-type: multipart\/alternative/i);
  const parsedReply = await simpleParser(replyRaw);
  expect(parsedReply.html).toMatch(/Friday works for me\. <b>See you there<\/b>/);
  expect(parsedReply.html).toMatch(/<blockquote type="cite">[\s\S]*Shall we try the new place\?/);
  expect(parsedReply.text).toMatch(/^Friday works for me\. See you there\n[\s\S]*wrote:\n> Shall we try the new place\?/);

  // Conversation view: Bob's message and Alice's reply (from Sent), the latest expanded.
  await page.getByRole('button', { name: 'Conversation view' }).click();
  await row('Lunch on Friday?').click();
  const conversation = page.getByRole('region', { name: 'Conversation: Lunch on Friday?' });
  await conversation.getByText('2 messages').waitFor();
  const entries = conversation.getByRole('listitem');
  expect(await entries.count()).toBe(2);
  await entries.nth(1).getByText('Sent').first().waitFor();
  await entries.nth(1).getByRole('button', { name: 'Reply', exact: true }).waitFor();
  expect(await entries.nth(0).getByRole('button', { name: 'Reply', exact: true }).count()).toBe(0);
  await entries.nth(0).getByRole('button', { name: /^Bob, / }).click();
  await entries.nth(0).getByText('Shall we try the new place?').waitFor();
  await page.screenshot({ path: path.join(shots, 'conversation-light.png') });
  expect(await inaccessibleControls()).toEqual([]);
  await page.getByRole('button', { name: 'Conversation view' }).click();

  // Drag a message onto a folder; it leaves the list and is stored there once the undo time is over.
  await row('Quarterly report').dragTo(page.getByRole('button', { name: 'Projects' }));
  await page.getByText(/Moved to Projects: 1 message/).waitFor();
  await expect.poll(() => row('Quarterly report').count()).toBe(0);
  const projects = (await db.store.mailboxes.findByName(aliceId, 'Projects'))!;
  await until('the moved message', async () => (await db.store.messages.list(projects.id)).some((m) => m.subject === 'Quarterly report'));

  // Search with an operator, across folders.
  await page.getByLabel('Search mail').fill('subject:quarterly');
  await page.getByLabel('Search mail').press('Enter');
  await row('Quarterly report').waitFor();
  expect(await page.locator('[role="option"]').count()).toBe(1);
  await expect.poll(() => row('Quarterly report').textContent()).toContain('Projects');
  await page.getByRole('button', { name: 'Clear search' }).click();

  // Dark theme screenshots of the same three screens.
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await row('Banana bread recipe').waitFor();
  await page.screenshot({ path: path.join(shots, 'inbox-dark.png') });
  await row('Live delivery check').click();
  await body.getByText('here is a picture').waitFor();
  await page.screenshot({ path: path.join(shots, 'reader-dark.png') });
  await page.keyboard.press('f');
  await expect.poll(() => page.getByRole('dialog').getByLabel('Subject').inputValue()).toBe('Fwd: Live delivery check');
  await page.screenshot({ path: path.join(shots, 'composer-dark.png') });
  await page.getByRole('button', { name: 'Close composer' }).click();

  // A phone-width screen stacks the panes: the open message alone, back to the list, another message.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Back to the list' }).click();
  await row('Banana bread recipe').waitFor();
  expect(await page.getByRole('region', { name: 'Reading pane' }).count()).toBe(0);
  expect(await page.getByRole('button', { name: 'Folders' }).isVisible()).toBe(true);
  await row('Banana bread recipe').click();
  await page.getByRole('article').getByText('Flour, bananas, love.').waitFor();
  expect(await page.locator('[role="listbox"]').count()).toBe(0);
  await page.screenshot({ path: path.join(shots, 'phone-reader-dark.png') });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Log out: back at the login page, and the mail needs a new login.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/mail\/login/);
  await page.goto(`${base}/mail/folder/${projects.id}`);
  await page.waitForURL(/\/mail\/login\?next=%2Fmail%2Ffolder%2F/);
  expect(attackerRequests).toEqual([]);
  expect(dialogs).toEqual([]);
}, 90_000);

it('sets a display name and two-factor sign-in in settings, signs in with a TOTP code and a recovery code, and makes a new account of a TOTP-required domain enrol first', async () => {
  const signIn = async (address: string, password: string) => {
    await page.goto(`${base}/mail/login`);
    await page.getByLabel('Address').fill(address);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/mail\/login/);
  };
  await context.clearCookies();
  await signIn('bob@webmail.test', 'bob-password');
  await row('Re: Lunch on Friday?').waitFor();
  await page.getByRole('button', { name: 'Settings' }).click();

  // Display name: stored by the API, used in the From header of what Bob sends.
  await page.getByLabel('Display name').fill('Bob Builder');
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByText('Your mail is sent as: Bob Builder <bob@webmail.test>').waitFor();
  await until('the stored display name', async () => (await db.store.accounts.findByAddress('bob@webmail.test'))?.displayName === 'Bob Builder');

  // Enrol: the secret beside the QR code goes into the "app" (otpauth here), its code confirms.
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await page.getByRole('img', { name: /QR code/ }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
  const app = new TOTP({ issuer: 'Mailstead', label: 'bob@webmail.test', algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  expect(await inaccessibleControls()).toEqual([]);
  await page.getByLabel('Code from the app').fill(app.generate());
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('recovery-codes').waitFor();
  const codes = (await page.getByTestId('recovery-codes').locator('li').allTextContents()).map((c) => c.trim());
  expect(codes).toHaveLength(10);
  await page.screenshot({ path: path.join(shots, 'settings-totp-dark.png'), fullPage: true });
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.getByText('Two-factor sign-in is on.').waitFor();
  expect(await inaccessibleControls()).toEqual([]);
  await page.getByRole('button', { name: 'Back to mail' }).click();
  await signOut();

  // The login now asks for the code after the password; a wrong code is refused.
  await signIn('bob@webmail.test', 'bob-password');
  await page.getByLabel('One-time code').fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText(/Wrong or already used code/).waitFor();
  expect(await inaccessibleControls()).toEqual([]);
  await page.getByLabel('One-time code').fill(app.generate());
  await page.getByRole('button', { name: 'Verify' }).click();
  await row('Re: Lunch on Friday?').waitFor();

  // A new rich-text message with a list and a link, by keyboard; sent with Bob's display name.
  await page.keyboard.press('c');
  const composer = page.getByRole('dialog');
  await composer.getByLabel('To').fill('alice@webmail.test,');
  await composer.getByLabel('Subject').fill('Agenda');
  const editor = composer.getByRole('textbox', { name: 'Message' });
  await editor.click();
  await editor.press('Control+Home');
  await editor.pressSequentially('Topics:');
  await editor.press('Enter');
  await editor.press('Control+Shift+8');
  await editor.pressSequentially('budget');
  await editor.press('Enter');
  await editor.pressSequentially('see ');
  await editor.press('Control+k');
  await page.getByLabel('Link address').fill('example.com/plan');
  await page.getByLabel('Link address').press('Enter');
  await expect.poll(() => editor.innerHTML()).toMatch(/<ul><li>budget<\/li><li>see(&nbsp;| )<a href="https:\/\/example\.com\/plan">example\.com\/plan<\/a>/);
  await composer.getByRole('button', { name: 'Send' }).click();
  await page.getByText('Message sent').waitFor();
  const aliceInbox = await inboxOf(aliceId);
  const agenda = await until('the agenda in Alice’s inbox', async () => (await db.store.messages.list(aliceInbox.id)).find((m) => m.subject === 'Agenda'));
  const parsedAgenda = await simpleParser(await db.store.messages.raw(aliceInbox.id, agenda.uid));
  expect(parsedAgenda.from?.value).toEqual([{ name: 'Bob Builder', address: 'bob@webmail.test' }]);
  expect(parsedAgenda.html).toMatch(/<ul><li>budget<\/li><li>see(&nbsp;| )<a href="https:\/\/example\.com\/plan">/);
  expect(parsedAgenda.text).toMatch(/Topics:\n- budget\n- see example\.com\/plan <https:\/\/example\.com\/plan>/);
  await signOut();

  // A recovery code works once instead of a code.
  await signIn('bob@webmail.test', 'bob-password');
  await page.getByLabel('One-time code').fill(codes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await row('Re: Lunch on Friday?').waitFor();
  await signOut();
  await signIn('bob@webmail.test', 'bob-password');
  await page.getByLabel('One-time code').fill(codes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText(/Wrong or already used code/).waitFor();

  // A domain that requires two-factor sign-in: a new account must enrol before it sees any mail.
  await addUser('dora@secure.test', 'dora-password');
  const secure = (await db.store.domains.findByName('secure.test'))!;
  await db.store.admin.updateDomain(secure.id, { requireTotp: true });
  await signIn('dora@secure.test', 'dora-password');
  await page.getByRole('heading', { name: 'Set up two-factor sign-in' }).waitFor();
  expect(await page.getByRole('navigation', { name: 'Folders' }).count()).toBe(0);
  expect(await inaccessibleControls()).toEqual([]);
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  const doraSecret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
  const doraApp = new TOTP({ issuer: 'Mailstead', label: 'dora@secure.test', algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(doraSecret) });
  await page.getByLabel('Code from the app').fill(doraApp.generate());
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.getByRole('navigation', { name: 'Folders' }).waitFor();
  await page.getByRole('button', { name: /^Inbox/ }).waitFor();
  expect(dialogs).toEqual([]);
}, 120_000);
