import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, freePort, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';
import { buildWebApp, fallBackToBuild } from './built-web-app';

/**
 * Every link of the admin console stays inside it (issue 16): on each kind of page (dashboard,
 * every list, an edit page of each resource, a queue entry, the DNS page) every visible link
 * is clicked, and every list's first row, and each must land on a non-empty page under /admin.
 * Only the switch to the webmail leaves the console.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const ADMIN = { address: 'postmaster@links.test', password: 'admin-password-1' };

let db: TestDatabase;
let server: RunningServer;
let browser: Browser;
let buildDir: string;
let base: string;
let page: Page;
/** Console pages to click through, each with what shows once it has loaded. */
let shopId: number;
let pages: { path: string; ready: (page: Page) => Promise<void> }[];

async function queueEntry(to: string, outcome: 'deferred' | 'failed'): Promise<bigint> {
  const raw = Buffer.from(`From: carol@shop.test\r\nTo: ${to}\r\nSubject: Remote\r\nMessage-ID: <${to}@shop.test>\r\n\r\nHello\r\n`);
  const { outboundIds } = await db.store.messages.deliver(raw, [], { outbound: { sender: 'carol@shop.test', recipients: [{ address: to }] } });
  const id = outboundIds[0]!;
  const claimed = (await db.store.outbound.claim(id, 60_000))!;
  const reply = outcome === 'deferred' ? '451 4.7.1 try again later' : '550 5.1.1 no such user';
  await db.store.outbound.finishAttempt(
    id,
    { host: 'mx.remote.test', result: outcome, response: reply },
    claimed.recipients.map((r) => ({ id: r.id, status: outcome, smtpCode: Number(reply.slice(0, 3)), response: reply })),
    outcome === 'deferred' ? { status: 'deferred', nextAttemptAt: new Date(Date.now() + 3_600_000), lastError: reply } : { status: 'failed', lastError: reply },
  );
  return id;
}

const cell = (text: string) => (p: Page) => p.getByRole('cell', { name: text, exact: true }).first().waitFor();

beforeAll(async () => {
  buildDir = await buildWebApp();
  db = await createTestDatabase();
  const config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_HOSTNAME: 'mail.links.test',
    MAILSTEAD_ADMIN_ADDRESS: ADMIN.address,
    MAILSTEAD_ADMIN_PASSWORD: ADMIN.password,
    // The DNS page's live check: nothing answers there, so every record reads as not found quickly.
    MAILSTEAD_DNS_SERVERS: `127.0.0.1:${await freePort()}`,
  });
  server = await startServer(config, createLogger(config));
  base = `http://127.0.0.1:${config.http.port}`;

  const shop = await db.store.domains.create('shop.test');
  shopId = shop.id;
  const carol = await db.store.accounts.create({ address: 'carol@shop.test', passwordHash: await hashPassword('carol-password-1'), role: 'user' });
  const alias = await db.store.aliases.create('sales@shop.test', ['carol@shop.test']);
  const list = await db.store.lists.create({ address: 'team@shop.test', name: 'Team', policy: 'members' });
  await db.store.lists.addMember(list.address, 'carol@shop.test');
  await queueEntry('dave@remote.test', 'deferred');
  const failed = await queueEntry('erin@remote.test', 'failed');

  pages = [
    { path: '/admin', ready: async (p) => p.getByText('carol@shop.test → remote.test').waitFor() },
    { path: '/admin/domains', ready: cell('shop.test') },
    { path: `/admin/domains/${shop.id}`, ready: async (p) => p.getByRole('button', { name: 'Save' }).waitFor() },
    { path: `/admin/domains/${shop.id}/dns`, ready: async (p) => p.getByTestId('zone-file').waitFor() },
    { path: '/admin/users', ready: cell('carol@shop.test') },
    { path: `/admin/users/${carol.id}`, ready: async (p) => p.getByRole('button', { name: 'Save' }).waitFor() },
    { path: '/admin/aliases', ready: cell('sales@shop.test') },
    { path: `/admin/aliases/${alias.id}`, ready: async (p) => p.getByRole('button', { name: 'Save' }).waitFor() },
    { path: '/admin/lists', ready: cell('team@shop.test') },
    { path: `/admin/lists/${list.id}`, ready: cell('carol@shop.test') },
    { path: '/admin/queue', ready: async (p) => p.getByRole('row').nth(1).waitFor() },
    { path: `/admin/queue/${failed}/show`, ready: async (p) => p.getByText('550 5.1.1 no such user').first().waitFor() },
    { path: '/admin/audit', ready: async (p) => p.locator('#main-content').getByText(/\S/).first().waitFor() },
  ];

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await fallBackToBuild(context, base, buildDir);
  page = await context.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
  if (buildDir) fs.rmSync(buildDir, { recursive: true, force: true });
});

async function open(from: { path: string; ready: (page: Page) => Promise<void> }): Promise<void> {
  await page.goto(base + from.path);
  await from.ready(page);
}

/** Where a click took the browser: a console page with something on it, or the reason it is not one. */
async function landing(what: string): Promise<void> {
  await expect.poll(() => new URL(page.url()).pathname, { message: `${what} left /admin` }).toMatch(/^\/admin(\/|$)/);
  const main = page.locator('#main-content');
  await expect.poll(async () => (await main.count()) > 0 && (await main.innerText()).trim().length > 0, { message: `${what} led to an empty page (${page.url()})`, timeout: 15_000 }).toBe(true);
  expect(await main.innerText(), `${what} (${page.url()})`).not.toMatch(/not found|No routes matched/i);
}

it('every navigation entry, card, in-page link and list row of the console lands on a page under /admin', async () => {
  await page.goto(`${base}/mail/login?next=/admin`);
  await page.getByLabel('Address').fill(ADMIN.address);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The login page leaves by a full navigation; poll the address rather than wait for one load event.
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 20_000 }).toBe('/admin');

  const clicked = new Set<string>();
  const leaving = new Set<string>();
  let clicks = 0;
  for (const from of pages) {
    await open(from);
    const links = page.locator('a[href]');
    const hrefs: string[] = [];
    for (let i = 0; i < (await links.count()); i += 1) {
      const link = links.nth(i);
      const href = (await link.getAttribute('href'))!;
      if (href.startsWith('#') || !(await link.isVisible())) continue;
      if (!href.startsWith('/admin')) {
        // Links that leave the console on purpose: only the switch to the webmail.
        leaving.add(`${(await link.textContent())?.trim()} -> ${href}`);
        if (href.startsWith('/mail')) continue;
      }
      if (!clicked.has(href)) hrefs.push(href);
      clicked.add(href);
    }
    for (const href of hrefs) {
      await open(from);
      const link = page.locator(`a[href="${href.replaceAll('"', '\\"')}"]`).filter({ visible: true }).first();
      const text = ((await link.textContent()) ?? '').trim().replace(/\s+/g, ' ');
      await link.click();
      await landing(`"${text}" (${href}) on ${from.path}`);
      clicks += 1;
    }
    // Lists open an entry when its row is clicked.
    if (/^\/admin\/(domains|users|aliases|lists|queue)$/.test(from.path)) {
      await open(from);
      await page.locator('tbody tr').first().click();
      await expect.poll(() => new URL(page.url()).pathname, { message: `first row of ${from.path}` }).not.toBe(from.path);
      await landing(`the first row of ${from.path}`);
      clicks += 1;
    }
  }
  expect([...leaving]).toEqual(['Webmail -> /mail']);
  // The menu (6 entries and the dashboard), the dashboard's 4 cards and its failed entry, and the DNS links at least.
  expect(clicks).toBeGreaterThan(15);
  for (const expected of ['/admin/domains', '/admin/users', '/admin/aliases', '/admin/lists', '/admin/queue', '/admin/audit']) expect([...clicked]).toContain(expected);
  expect([...clicked].filter((href) => href.startsWith('/admin/queue?filter='))).toHaveLength(2);
  expect([...clicked]).toContain(`/admin/domains/${shopId}/dns`);
  expect([...clicked].filter((href) => /^\/admin\/domains\/\d+$/.test(href)).length).toBeGreaterThan(0);
}, 300_000);
