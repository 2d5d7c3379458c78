import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, freePort, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { TestDnsServer } from '../delivery/support/dns-server';
import { SmtpSink } from '../delivery/support/smtp-sink';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';
import { buildWebApp, fallBackToBuild } from './built-web-app';

/**
 * The admin console in Debian's Chromium against the real server (API + SMTP roles, the built
 * web app served by it): log in through the webmail's login page, create a domain, a user (with
 * the generated password shown once), an alias and a list with two members; a post to the list
 * over SMTP reaches both; deferred entries in the queue, retried from the console; a domain
 * admin sees only their domain; a plain user is turned away. Screenshots in e2e/screenshots/.
 */
const root = path.resolve(import.meta.dirname, '../..');
const shots = path.join(root, 'e2e', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const ADMIN = { address: 'postmaster@admin.test', password: 'admin-password-1' };

let db: TestDatabase;
let server: RunningServer;
let browser: Browser;
let buildDir: string;
let base: string;
let smtpPort: number;
let dns: TestDnsServer;
/** remote.test's MX, played by a loopback sink: answers 451 until `sinkDown` turns false. */
let sink: SmtpSink;
let sinkDown = true;

async function addAccount(address: string, password: string, role: 'admin' | 'domain_admin' | 'user' = 'user') {
  const domain = address.split('@')[1]!;
  if (!(await db.store.domains.findByName(domain))) await db.store.domains.create(domain);
  return db.store.accounts.create({ address, passwordHash: await hashPassword(password), role });
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

/** A new browser context logged in through the webmail's login page, which sends it back to /admin. */
async function logIn(address: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  await fallBackToBuild(context, base, buildDir);
  const page = await context.newPage();
  await page.goto(`${base}/admin`);
  await page.waitForURL(/\/mail\/login\?next=(%2F|\/)admin$/);
  await page.getByLabel('Address').fill(address);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The login page leaves by a full navigation; poll the address rather than wait for one load event.
  await until('the way back to /admin', async () => new URL(page.url()).pathname.startsWith('/admin'));
  return page;
}

/** A queue entry to a remote domain whose last attempt got a 4xx. */
async function deferredEntry(to: string, reply: string): Promise<bigint> {
  const raw = Buffer.from(`From: alice@admin.test\r\nTo: ${to}\r\nSubject: Remote\r\nMessage-ID: <${to}@admin.test>\r\n\r\nHello\r\n`);
  const { outboundIds } = await db.store.messages.deliver(raw, [], { outbound: { sender: 'alice@admin.test', recipients: [{ address: to }] } });
  const id = outboundIds[0]!;
  const claimed = (await db.store.outbound.claim(id, 60_000))!;
  await db.store.outbound.finishAttempt(
    id,
    { host: 'mx.remote.test', result: 'deferred', response: reply },
    claimed.recipients.map((r) => ({ id: r.id, status: 'deferred' as const, smtpCode: 451, response: reply })),
    { status: 'deferred', nextAttemptAt: new Date(Date.now() + 3_600_000), lastError: reply },
  );
  return id;
}

beforeAll(async () => {
  buildDir = await buildWebApp();
  db = await createTestDatabase();
  smtpPort = await freePort();
  // The DNS page's live check asks this loopback server (MAILSTEAD_DNS_SERVERS).
  dns = new TestDnsServer();
  await dns.start();
  dns.set('shop.test', { mx: [[10, 'mail.admin.test']] });
  const sinkPort = await freePort();
  sink = new SmtpSink({ host: '127.0.0.1', port: sinkPort, starttls: false, rcpt: () => (sinkDown ? '451 4.7.1 greylisted, try again later' : undefined) });
  await sink.start();
  const config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'api,smtp,worker',
    MAILSTEAD_HOSTNAME: 'mail.admin.test',
    MAILSTEAD_SMTP_PORT: String(smtpPort),
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_ADMIN_ADDRESS: ADMIN.address,
    MAILSTEAD_ADMIN_PASSWORD: ADMIN.password,
    MAILSTEAD_DNS_SERVERS: `127.0.0.1:${dns.port}`,
    // The worker delivers remote.test to the sink; a deferred entry waits an hour unless retried.
    MAILSTEAD_TRANSPORT_RULES: `remote.test=smtp://127.0.0.1:${sinkPort}`,
    MAILSTEAD_DELIVERY_RETRY_SCHEDULE: '1h',
    MAILSTEAD_DELIVERY_TLS_VERIFY: 'false',
  });
  server = await startServer(config, createLogger(config));
  base = `http://127.0.0.1:${config.http.port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
  await dns?.stop();
  await sink?.stop();
  if (buildDir) fs.rmSync(buildDir, { recursive: true, force: true });
});

it('admin: domain, user, alias, list with two members, a list post over SMTP, DNS page, queue retry', async () => {
  const page = await logIn(ADMIN.address, ADMIN.password);
  await page.getByTestId('count-domains').waitFor();

  // A domain, with a confirmation-free create and its DNS records to publish.
  await page.goto(`${base}/admin/domains/create`);
  await page.getByLabel(/Domain name/).fill('shop.test');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('cell', { name: 'shop.test', exact: true }).waitFor();
  const domain = (await db.store.domains.findByName('shop.test'))!;
  expect(domain).toBeTruthy();
  expect((await db.store.outbound.dkimKey('shop.test'))?.selector).toMatch(/^ms\d{6}$/); // a new domain gets a DKIM key

  // A user, whose generated password is shown once and works.
  await page.goto(`${base}/admin/users/create`);
  await page.getByLabel(/Address/).fill('carol@shop.test');
  await page.getByLabel(/^Name/).fill('Carol');
  await page.getByRole('button', { name: 'Save' }).click();
  const password = await page.getByTestId('generated-password').inputValue();
  expect(password).toMatch(/^[\w]{5}(-[\w]{5}){3}$/);
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('cell', { name: 'carol@shop.test', exact: true }).waitFor();
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: 'carol@shop.test', password }) });
  expect(login.status).toBe(200);
  const dave = await addAccount('dave@shop.test', 'dave-password-1');
  await page.reload();
  await page.getByRole('cell', { name: 'dave@shop.test', exact: true }).waitFor();
  await page.screenshot({ path: path.join(shots, 'admin-users.png') });

  // On the user's page: an address the user may also send as, which the submission check then takes.
  await page.goto(`${base}/admin/users/${dave.id}`);
  await page.getByLabel('Sender address', { exact: true }).fill('orders@shop.test');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.getByRole('table', { name: 'sender addresses' }).getByText('orders@shop.test').waitFor();
  expect(await db.store.accounts.canSendAs(dave.id, 'orders@shop.test')).toBe(true);

  // An alias forwarding to a local and an external address; a bad destination is refused first.
  await page.goto(`${base}/admin/aliases/create`);
  await page.getByLabel(/Alias address/).fill('sales@shop.test');
  await page.getByLabel(/Destinations/).fill('carol@shop.test\nnot an address');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Not an address: not, an, address').waitFor();
  await page.getByLabel(/Destinations/).fill('carol@shop.test\npartner@elsewhere.test');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('partner@elsewhere.test (external)').waitFor();
  const aliases = await db.store.admin.aliases({ offset: 0, limit: 10, sort: 'source', order: 'asc', q: 'sales@' });
  expect(aliases.rows.map((a) => [a.source, a.destinations])).toEqual([['sales@shop.test', ['carol@shop.test', 'partner@elsewhere.test']]]);

  // A list anyone may post to, with two members typed in at creation.
  await page.goto(`${base}/admin/lists/create`);
  await page.getByLabel(/List address/).fill('team@shop.test');
  await page.getByLabel(/^Name/).fill('Team');
  await page.getByLabel(/Who may post/).click();
  await page.getByRole('option', { name: /^Open/ }).click();
  await page.getByLabel(/Subject prefix/).fill('[team]');
  await page.getByLabel(/^Members/).fill('carol@shop.test\ndave@shop.test');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Members (2)').waitFor();
  await page.getByRole('cell', { name: 'dave@shop.test', exact: true }).waitFor();
  await page.screenshot({ path: path.join(shots, 'admin-list-members.png'), fullPage: true });

  // A post to the list over SMTP (MX) reaches both members.
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  await transport.sendMail({ envelope: { from: 'outsider@friends.test', to: ['team@shop.test'] }, raw: 'From: outsider@friends.test\r\nTo: team@shop.test\r\nSubject: Hello team\r\nMessage-ID: <hello@friends.test>\r\n\r\nHi all\r\n' });
  transport.close();
  const carol = (await db.store.accounts.findByAddress('carol@shop.test'))!;
  for (const member of [carol.id, dave.id]) {
    const inbox = (await db.store.mailboxes.findByName(member, 'INBOX'))!;
    await until('the list post in each member’s inbox', async () => (await db.store.messages.list(inbox.id)).find((m) => /Hello team/.test(m.subject ?? '')));
  }

  // A moderated list holds a post sent over SMTP; approving it in the console sends it to the member.
  const board = await db.store.lists.create({ address: 'board@shop.test', name: 'Board', policy: 'moderated' });
  await db.store.lists.addMember(board.address, 'carol@shop.test');
  const mx = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  await mx.sendMail({ envelope: { from: 'outsider@friends.test', to: ['board@shop.test'] }, raw: 'From: outsider@friends.test\r\nTo: board@shop.test\r\nSubject: Needs a nod\r\nMessage-ID: <nod@friends.test>\r\n\r\nPlease approve me\r\n' });
  mx.close();
  await page.goto(`${base}/admin/lists/${board.id}`);
  await page.getByRole('cell', { name: 'Needs a nod', exact: true }).waitFor();
  await page.getByRole('button', { name: 'View' }).click();
  await page.getByText(/Please approve me/).waitFor();
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByText('Nothing is waiting.').waitFor();
  const carolInbox = (await db.store.mailboxes.findByName(carol.id, 'INBOX'))!;
  await until('the approved post in the member’s inbox', async () => (await db.store.messages.list(carolInbox.id)).find((m) => /Needs a nod/.test(m.subject ?? '')));

  // The DNS page: records to publish, checked live (MX published: green; DMARC missing: red); a DKIM key generated.
  await page.goto(`${base}/admin/domains/${domain.id}/dns`);
  await page.getByTestId('zone-file').waitFor();
  expect(await page.getByTestId('zone-file').textContent()).toContain('shop.test. 3600 IN MX 10 mail.admin.test.');
  const mxRow = page.getByRole('row').filter({ hasText: 'Mail exchanger (MX)' });
  await mxRow.getByText('published').waitFor();
  await page.getByRole('row').filter({ hasText: 'DMARC policy' }).getByText('missing').waitFor();
  await page.getByRole('button', { name: 'Rotate DKIM key' }).click();
  await page.getByRole('row').filter({ hasText: 'DKIM public key' }).getByText('missing').waitFor();
  expect((await db.store.outbound.dkimKey('shop.test'))?.selector).toMatch(/^ms\d{8}$/);
  await page.screenshot({ path: path.join(shots, 'admin-dns.png'), fullPage: true });

  // A real delivery to remote.test: the worker tries the sink, which answers 451, so the entry is
  // deferred; once the sink recovers, "Retry now" in the console gets it delivered.
  const raw = Buffer.from('From: alice@admin.test\r\nTo: bob@remote.test\r\nSubject: Remote\r\nMessage-ID: <bob@admin.test>\r\n\r\nHello\r\n');
  const deferred = (await db.store.messages.deliver(raw, [], { outbound: { sender: 'alice@admin.test', recipients: [{ address: 'bob@remote.test' }] } })).outboundIds[0]!;
  await until('the sink to answer 4xx and the entry to be deferred', async () => (await db.store.outbound.show(deferred))?.status === 'deferred', 30_000);
  await deferredEntry('eve@other-remote.test', '421 4.4.2 connection dropped');
  await page.goto(`${base}/admin/queue`);
  await page.getByRole('cell', { name: 'bob@remote.test', exact: true }).waitFor();
  await page.getByRole('cell', { name: 'eve@other-remote.test', exact: true }).waitFor();
  await page.screenshot({ path: path.join(shots, 'admin-queue.png') });
  await page.getByRole('cell', { name: 'bob@remote.test', exact: true }).click();
  await page.getByText(/451 4\.7\.1 greylisted, try again later/).first().waitFor();
  await page.getByRole('row').filter({ hasText: '127.0.0.1' }).first().waitFor(); // the attempt log names the host tried
  sinkDown = false;
  await page.getByRole('button', { name: 'Retry now' }).click();
  await page.getByText(/1 retried/).waitFor();
  await until('the retried entry delivered to the recovered sink', async () => (await db.store.outbound.show(deferred))?.status === 'delivered', 30_000);
  expect(sink.received.map((m) => m.to)).toEqual([['bob@remote.test']]);
  await page.reload();
  await page.getByText('delivered').first().waitFor();

  // The dashboard counts what is there, and the audit log shows who did it.
  await page.goto(`${base}/admin`);
  // Domains: the first admin's and shop.test; one entry still deferred (the retried one is queued).
  await expect.poll(() => page.getByTestId('count-domains').textContent(), { timeout: 15_000 }).toBe('2');
  await expect.poll(() => page.getByTestId('count-deferred').textContent(), { timeout: 15_000 }).toBe('1');
  await page.screenshot({ path: path.join(shots, 'admin-dashboard.png') });
  await page.goto(`${base}/admin/audit`);
  await page.getByRole('cell', { name: 'queue.retry', exact: true }).waitFor();
  await page.getByRole('cell', { name: 'user.create', exact: true }).waitFor();
  await page.context().close();
}, 120_000);

it('a domain admin sees only their domain; a plain user is turned away', async () => {
  const other = await addAccount('owner@mine.test', 'owner-password-1', 'domain_admin');
  await db.store.admin.addDomainAdmin(other.id, other.domainId);
  await addAccount('someone@mine.test', 'someone-password-1');
  await addAccount('stranger@theirs.test', 'stranger-password-1');

  const page = await logIn('owner@mine.test', 'owner-password-1');
  await page.getByText('Domain admin: mine.test').waitFor();
  await page.goto(`${base}/admin/users`);
  await page.getByRole('cell', { name: 'someone@mine.test', exact: true }).waitFor();
  expect(await page.getByRole('cell', { name: 'stranger@theirs.test', exact: true }).count()).toBe(0);
  await page.goto(`${base}/admin/domains`);
  await page.getByRole('cell', { name: 'mine.test', exact: true }).waitFor();
  expect(await page.locator('tbody tr').count()).toBe(1);
  await page.context().close();

  const user = await logIn('someone@mine.test', 'someone-password-1');
  await user.getByText(/not an administrator account/).waitFor();
  expect(await user.getByRole('link', { name: 'Back to the webmail' }).getAttribute('href')).toBe('/mail');
  await user.context().close();
}, 120_000);
