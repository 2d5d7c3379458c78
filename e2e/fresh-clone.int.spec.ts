import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, groupAlive, killGroup, npmStart, repositoryRoot as root, stackEnv, waitForHealth, type Health, type StackRun } from './support/npm-start';

/**
 * What a newcomer does (issue 16): a clean copy of the repository (tracked files only, so no
 * dist/), `npm start`, then the printed login in a real browser at /mail/login, which shows
 * the inbox; stopped and started again on the same data dir, it is no first run and the same
 * login still works. node_modules is a link to this checkout's (standing in for `npm ci`,
 * whose postinstall is run in the copy).
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-fresh-clone-'));
const clone = path.join(work, 'mailstead');
const dataDir = path.join(work, 'data');
let browser: Browser;

/** /api/health with the web app's state (issue 16). */
type WebHealth = Health & { web?: { served: boolean; detail?: string } };

/** The checkout's tracked files as they are on disk, without anything git ignores (dist, node_modules, generated code). */
async function cleanCopy(): Promise<void> {
  const { stdout } = await promisify(execFile)('git', ['ls-files', '-z'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    const from = path.join(root, file);
    const to = path.join(clone, file);
    const stat = fs.lstatSync(from, { throwIfNoEntry: false });
    if (!stat) continue; // deleted in the working tree, not yet committed
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else fs.copyFileSync(from, to);
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  await promisify(execFile)('npm', ['run', 'postinstall'], { cwd: clone, timeout: 120_000 });
}

/** The banner is printed after the server listens; wait for its last line. */
async function banner(output: () => string): Promise<string> {
  await expect.poll(() => /SMTP \d+, submission/.test(output()), { timeout: 10_000 }).toBe(true);
  return output();
}

/** The embedded Postgres and Redis of the data dir (they run in process groups of their own). */
function servicePids(): number[] {
  const read = (file: string) => Number(fs.readFileSync(path.join(dataDir, file), 'utf8').split('\n')[0]!.trim());
  return [read('pg/data/postmaster.pid'), read('redis/redis.pid')];
}

/** SIGTERM, as a service manager stops it: npm start must exit cleanly and take Postgres and Redis with it. */
async function stop(run: StackRun, pids: number[]): Promise<void> {
  process.kill(-run.child.pid!, 'SIGTERM');
  await run.exited;
  await expect.poll(() => groupAlive(run.child) || pids.some(alive), { timeout: 30_000, message: `npm start did not stop; output:\n${run.output()}` }).toBe(false);
  expect(run.output()).toMatch(/mailstead stopped cleanly/);
}

/** What a failed test leaves running, killed: the group, and the database servers outside it. */
function killAll(run: StackRun, pids: number[]): void {
  killGroup(run.child);
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
}

/** Logs in at /mail/login in a new browser context and answers once the inbox lists `subject`. */
async function logInAndSeeInbox(base: string, address: string, password: string, subject: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/mail/login`);
    await page.getByLabel('Address').fill(address);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[role="option"]', { hasText: subject }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: /^Inbox, 1 unread$/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/mail');

    // The console is served too, and sends this admin to its dashboard.
    await page.goto(`${base}/admin`);
    await page.getByTestId('count-domains').waitFor({ timeout: 20_000 });
  } finally {
    await context.close();
  }
}

beforeAll(async () => {
  await cleanCopy();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('a fresh clone', () => {
  it('npm start serves the webmail and the console; the printed admin logs in and sees the inbox, also after a restart', async () => {
    expect(fs.existsSync(path.join(clone, 'dist'))).toBe(false);
    // The first admin is the default one; no sender checks (they would ask DNS about the test sender).
    const env = await stackEnv(dataDir, { MAILSTEAD_ADMIN_ADDRESS: 'admin@mailstead.test', MAILSTEAD_SMTP_SENDER_CHECKS: 'false' });
    delete env.MAILSTEAD_HOSTNAME;
    delete env.MAILSTEAD_ROLES;
    const base = `http://127.0.0.1:${env.MAILSTEAD_HTTP_PORT}`;

    const first = npmStart(env, clone);
    let pids: number[] = [];
    let address: string;
    let password: string;
    try {
      const health: WebHealth = await waitForHealth(env.MAILSTEAD_HTTP_PORT!, first.output);
      pids = servicePids();
      expect(health.web).toEqual({ served: true });
      const printed = await banner(first.output);
      expect(printed).toContain(`Webmail:        ${base}/mail`);
      expect(printed).toContain(`Admin console:  ${base}/admin`);
      expect(printed).not.toMatch(/WEB APP/);
      address = /First run: created the admin account (\S+)/.exec(printed)![1]!;
      password = /Its password \(shown only this once\): (\S+)/.exec(printed)![1]!;

      for (const route of ['/', '/mail', '/mail/login', '/admin', '/admin/domains']) {
        const res = await fetch(base + route);
        expect(res.status, route).toBe(200);
        expect(res.headers.get('content-type'), route).toMatch(/^text\/html/);
      }

      const mx = nodemailer.createTransport({ host: '127.0.0.1', port: Number(env.MAILSTEAD_SMTP_PORT), secure: false, ignoreTLS: true });
      await mx.sendMail({
        envelope: { from: 'friend@elsewhere.test', to: [address] },
        raw: `From: friend@elsewhere.test\r\nTo: ${address}\r\nSubject: Welcome to your new server\r\nMessage-ID: <welcome@elsewhere.test>\r\n\r\nHello\r\n`,
      });
      mx.close();
      await logInAndSeeInbox(base, address, password, 'Welcome to your new server');
      await stop(first, pids);
    } finally {
      killAll(first, pids);
    }

    const second = npmStart(env, clone);
    try {
      const health: WebHealth = await waitForHealth(env.MAILSTEAD_HTTP_PORT!, second.output);
      pids = servicePids();
      expect(health.web).toEqual({ served: true });
      const printed = await banner(second.output);
      expect(printed).not.toMatch(/First run/);
      expect(printed).not.toMatch(/building the web app/);
      await logInAndSeeInbox(base, address, password, 'Welcome to your new server');
      await stop(second, pids);
    } finally {
      killAll(second, pids);
    }
  }, 240_000);
});
