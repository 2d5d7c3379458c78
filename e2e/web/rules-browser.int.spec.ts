import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, freePort, runtimeConfig, sampleMessage, type TestDatabase } from '@mailstead/testing';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';

/**
 * The Rules and Vacation pages in Debian's Chromium against the real server (API + SMTP roles,
 * the built web app): a rule built in the editor with its generated Sieve, tested and applied
 * to stored mail (and undone), saved and reordered by drag; a compile error shown on its line in
 * the raw tab; the vacation reply switched on, and another account receiving the auto-reply to
 * mail it sends over SMTP.
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

async function addUser(address: string, password: string): Promise<number> {
  const domain = address.split('@')[1]!;
  if (!(await db.store.domains.findByName(domain))) await db.store.domains.create(domain);
  return (await db.store.accounts.create({ address, passwordHash: await hashPassword(password), role: 'user' })).id;
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

const subjectsIn = async (accountId: number, name: string) => {
  const box = await db.store.mailboxes.findByName(accountId, name);
  return box ? (await db.store.messages.list(box.id)).map((m) => m.subject).sort() : [];
};

interface AXNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  properties?: { name: string; value: { value: unknown } }[];
  backendDOMNodeId?: number;
}
const CONTROL_ROLES = new Set(['button', 'textbox', 'searchbox', 'checkbox', 'combobox', 'link', 'option', 'menuitem', 'radio', 'switch', 'slider', 'tab', 'spinbutton', 'listbox']);

/** Every control on screen has an accessible name and can be reached by keyboard (as webmail-browser.int.spec.ts checks). */
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

async function signIn(address: string, password: string) {
  await page.goto(`${base}/mail/login`);
  await page.getByLabel('Address').fill(address);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/mail`);
}

beforeAll(async () => {
  // The server serves dist/apps/web: build the current web app first.
  await promisify(execFile)('npx', ['vite', 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'error'], { cwd: root, timeout: 120_000 });
  db = await createTestDatabase();
  smtpPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-rules-'));
  const config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'api,smtp',
    MAILSTEAD_DATA_DIR: dataDir,
    MAILSTEAD_HOSTNAME: 'mail.rules.test',
    MAILSTEAD_SMTP_PORT: String(smtpPort),
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_ADMIN_ADDRESS: 'postmaster@rules.test',
  });
  server = await startServer(config, createLogger(config));
  base = `http://127.0.0.1:${config.http.port}`;
  aliceId = await addUser('alice@rules.test', 'alice-password');
  bobId = await addUser('bob@rules.test', 'bob-password');
  await db.store.mailboxes.create(aliceId, 'Lists');
  const inbox = (await db.store.mailboxes.findByName(aliceId, 'INBOX'))!;
  await db.store.messages.append(inbox.id, [
    { raw: sampleMessage(1, { subject: 'Weekly digest 47', from: 'Shop <news@shop.test>' }), internalDate: new Date('2026-11-01T10:00:00Z') },
    { raw: sampleMessage(2, { subject: 'Dinner plans', from: 'Carol <carol@friends.test>' }), internalDate: new Date('2026-11-02T10:00:00Z') },
    { raw: sampleMessage(3, { subject: 'Weekly digest 48', from: 'Shop <news@shop.test>' }), internalDate: new Date('2026-11-03T10:00:00Z') },
  ]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

it('builds a rule, tests and applies it to stored mail, reorders rules, shows a compile error inline, and sends a vacation reply', async () => {
  await signIn('alice@rules.test', 'alice-password');
  await page.goto(`${base}/mail/settings`);
  await page.getByRole('button', { name: 'Rules', exact: true }).click();
  await page.waitForURL(`${base}/mail/settings/rules`);
  await page.getByText('No rules yet.').waitFor();

  // The editor: name, a Subject condition, move to Lists and mark as read.
  await page.getByRole('button', { name: 'New rule' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Rule name').fill('Digests');
  await dialog.getByLabel('Condition 1 field').selectOption('subject');
  await dialog.getByLabel('Condition 1 match').selectOption('contains');
  await dialog.getByLabel('Condition 1 value').fill('Weekly digest');
  await dialog.getByLabel('Action 1 type').selectOption('move');
  await dialog.getByLabel('Action 1 folder').selectOption('Lists');
  await dialog.getByRole('button', { name: 'Add action' }).click();
  await dialog.getByLabel('Action 2 type').selectOption('markRead');

  // The generated Sieve follows the editor.
  const generated = dialog.getByLabel('Generated Sieve script');
  await expect.poll(() => generated.textContent()).toContain('if allof (header :contains "subject" "Weekly digest") {');
  const sieve = (await generated.textContent())!;
  expect(sieve).toContain('require ["fileinto", "imap4flags"];');
  expect(sieve).toContain('addflag "\\\\Seen";');
  expect(sieve).toContain('fileinto "Lists";');

  // Test on existing mail: per message what it would do, nothing changed.
  await dialog.getByRole('button', { name: 'Test on existing mail' }).click();
  const results = dialog.getByRole('table', { name: 'Test results' });
  await results.getByText('Weekly digest 48').waitFor();
  const outcome = async (subject: string) => (await results.getByRole('row').filter({ hasText: subject }).getByRole('cell').nth(1).textContent())!;
  expect(await outcome('Weekly digest 48')).toBe('Move to Lists, Mark as read');
  expect(await outcome('Weekly digest 47')).toBe('Move to Lists, Mark as read');
  expect(await outcome('Dinner plans')).toBe('Keep in INBOX');
  expect(await subjectsIn(aliceId, 'Lists')).toEqual([]);
  await page.screenshot({ path: path.join(shots, 'rules-editor.png') });
  expect(await inaccessibleControls()).toEqual([]);

  // Apply to existing mail: progress, then the messages are in Lists and read; undo puts them back.
  await dialog.getByRole('button', { name: 'Apply to existing mail' }).click();
  const progress = dialog.getByRole('status', { name: 'Apply progress' });
  await progress.getByText('Applied to 3 messages in INBOX: 2 moved, 0 copied, 2 flagged.').waitFor();
  expect(await subjectsIn(aliceId, 'Lists')).toEqual(['Weekly digest 47', 'Weekly digest 48']);
  expect(await subjectsIn(aliceId, 'INBOX')).toEqual(['Dinner plans']);
  await progress.getByRole('button', { name: 'Undo' }).click();
  await progress.getByText('Undone: the messages are back as they were.').waitFor();
  expect(await subjectsIn(aliceId, 'INBOX')).toEqual(['Dinner plans', 'Weekly digest 47', 'Weekly digest 48']);
  expect(await subjectsIn(aliceId, 'Lists')).toEqual([]);
  // and once more, to keep
  await dialog.getByRole('button', { name: 'Apply to existing mail' }).click();
  await progress.getByText('Applied to 3 messages in INBOX: 2 moved, 0 copied, 2 flagged.').waitFor();
  expect(await subjectsIn(aliceId, 'Lists')).toEqual(['Weekly digest 47', 'Weekly digest 48']);

  // Saved: the list shows it and the active script holds it.
  await dialog.getByRole('button', { name: 'Save rule' }).click();
  await dialog.waitFor({ state: 'detached' });
  const rules = page.getByRole('list', { name: 'Rules' });
  await rules.getByText('If Subject contains "Weekly digest": mark as read, move to Lists').waitFor();
  expect((await db.store.sieve.active(aliceId))?.content).toContain('# rule: {"name":"Digests","enabled":true}');

  // A second rule, then drag it above the first: the script's order follows.
  await page.getByRole('button', { name: 'New rule' }).click();
  await dialog.getByLabel('Rule name').fill('Flag Carol');
  await dialog.getByLabel('Condition 1 field').selectOption('from');
  await dialog.getByLabel('Condition 1 value').fill('carol@friends.test');
  await dialog.getByLabel('Action 1 type').selectOption('flag');
  await dialog.getByRole('button', { name: 'Save rule' }).click();
  await dialog.waitFor({ state: 'detached' });
  await rules.getByRole('listitem', { name: 'Flag Carol' }).waitFor();
  await rules.getByRole('listitem', { name: 'Flag Carol' }).dragTo(rules.getByRole('listitem', { name: 'Digests' }));
  await page.getByRole('status').getByText('Moved “Flag Carol” to position 1').waitFor();
  const script = (await db.store.sieve.active(aliceId))!.content;
  expect(script.indexOf('"name":"Flag Carol"')).toBeLessThan(script.indexOf('"name":"Digests"'));
  // the whole saved script over INBOX: Carol's message would be flagged
  const whole = page.getByRole('region', { name: 'All rules on existing mail' });
  await whole.getByRole('button', { name: 'Test on existing mail' }).click();
  const wholeResults = whole.getByRole('table', { name: 'Test results' });
  await wholeResults.getByText('Dinner plans').waitFor();
  expect(await wholeResults.getByRole('row').filter({ hasText: 'Dinner plans' }).getByRole('cell').nth(1).textContent()).toBe('Flag');
  // the switch turns a rule off (kept in the script, never true)
  await page.getByLabel('Enable Flag Carol').uncheck();
  await page.getByRole('status').getByText('Flag Carol disabled').waitFor();
  expect((await db.store.sieve.active(aliceId))!.content).toContain('if allof (false, allof (address :contains "from" "carol@friends.test")) {');
  await page.screenshot({ path: path.join(shots, 'rules-list.png') });
  expect(await inaccessibleControls()).toEqual([]);

  // The raw tab: a typo is refused with its line and column, and nothing is stored.
  await page.getByRole('tab', { name: 'Raw Sieve' }).click();
  const editor = page.getByLabel('Sieve script');
  await expect.poll(() => editor.inputValue()).toContain('"name":"Digests"');
  const before = await editor.inputValue();
  await editor.fill(`${before}\nif true {\n  filein "Oops";\n}\n`);
  await page.getByRole('button', { name: 'Save script' }).click();
  const lineCount = before.split('\n').length;
  const problems = page.getByRole('alert', { name: 'Compile errors' });
  await problems.getByText(new RegExp(`^Line ${lineCount + 2}, column 3: .*filein`)).waitFor();
  expect((await db.store.sieve.active(aliceId))!.content).toBe(before);
  await page.screenshot({ path: path.join(shots, 'rules-raw-error.png') });
  expect(await inaccessibleControls()).toEqual([]);

  // The vacation reply, in the same script.
  await page.goto(`${base}/mail/settings/vacation`);
  await page.getByLabel('Send an automatic reply').check();
  await page.getByLabel('Subject').fill('Away until Monday');
  await page.getByRole('textbox', { name: 'Message' }).fill('I am on holiday.\nBack on Monday.');
  await page.getByLabel('Days between replies').fill('2');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved: the auto-reply is on').waitFor();
  const withVacation = (await db.store.sieve.active(aliceId))!.content;
  expect(withVacation).toContain('vacation :days 2 :subject "Away until Monday" "I am on holiday.\nBack on Monday.";');
  expect(withVacation).toContain('"name":"Digests"');
  await page.screenshot({ path: path.join(shots, 'vacation.png') });
  expect(await inaccessibleControls()).toEqual([]);

  // Bob writes to Alice over SMTP and gets the auto-reply in his inbox, which he sees in the webmail.
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  await transport.sendMail({
    envelope: { from: 'bob@rules.test', to: ['alice@rules.test'] },
    raw: 'From: Bob <bob@rules.test>\r\nTo: alice@rules.test\r\nSubject: Are you around?\r\nMessage-ID: <around@rules.test>\r\n\r\nCoffee?\r\n',
  });
  transport.close();
  expect(await subjectsIn(aliceId, 'INBOX')).toContain('Are you around?');
  await until('the auto-reply in Bob\'s inbox', async () => (await subjectsIn(bobId, 'INBOX')).includes('Away until Monday'));
  await context.clearCookies();
  await signIn('bob@rules.test', 'bob-password');
  await page.getByRole('option', { name: /Away until Monday/ }).click();
  await page.getByRole('article').getByText('I am on holiday.').waitFor();
});
