import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@mailstead/testing';

/**
 * What a newcomer does (issue 16): a clean copy of the repository (tracked files only, so no
 * dist/), `npm start`, then the printed login in a real browser at /mail/login, which shows
 * the inbox; stopped and started again on the same data dir, it is no first run and the same
 * login still works. node_modules is a link to this checkout's (standing in for `npm ci`,
 * whose postinstall is run in the copy).
 */
const root = path.resolve(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-fresh-clone-'));
const clone = path.join(work, 'mailstead');
const dataDir = path.join(work, 'data');
let browser: Browser;

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

async function stackEnv(): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env, MAILSTEAD_DATA_DIR: dataDir, MAILSTEAD_SMTP_SENDER_CHECKS: 'false' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'MAILSTEAD_ADMIN_ADDRESS', 'MAILSTEAD_ADMIN_PASSWORD', 'MAILSTEAD_HOSTNAME', 'MAILSTEAD_ROLES']) delete env[name];
  for (const name of ['HTTP', 'EMBEDDED_PG', 'EMBEDDED_REDIS', 'SMTP', 'SUBMISSION', 'SUBMISSIONS', 'IMAP', 'IMAPS', 'POP3', 'POP3S']) {
    env[`MAILSTEAD_${name}_PORT`] = String(await freePort());
  }
  return env;
}

/** `npm start` in the copy, in its own process group as a terminal runs it. */
interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<string>;
  hasExited: () => boolean;
}

function npmStart(env: NodeJS.ProcessEnv): Run {
  const child = spawn('npm', ['start'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let done = false;
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => {
      done = true;
      resolve(signal ?? `exit ${code}`);
    }),
  );
  return { child, output: () => output, exited, hasExited: () => done };
}

interface Health {
  status: string;
  web?: { served: boolean; detail?: string };
}

/** Polls /api/health until it answers 200; the start-up budget is 60 s (issue 16). */
async function waitForHealth(port: string, run: Run): Promise<Health> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !run.hasExited()) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.status === 200) return (await res.json()) as Health;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no healthy /api/health within 60 s${run.hasExited() ? ' (npm start exited)' : ''}; output:\n${run.output()}`);
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, as a service manager stops it: npm start must exit cleanly and take Postgres and Redis with it. */
async function stop(run: Run, pids: number[]): Promise<void> {
  process.kill(-run.child.pid!, 'SIGTERM');
  await run.exited;
  await expect.poll(() => alive(-run.child.pid!) || pids.some(alive), { timeout: 30_000, message: `npm start did not stop; output:\n${run.output()}` }).toBe(false);
  expect(run.output()).toMatch(/mailstead stopped cleanly/);
}

/** What a failed test leaves running, killed: the group, and the database servers outside it. */
function killAll(child: ChildProcess, pids: number[]): void {
  for (const pid of [-child.pid!, ...pids]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
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
    const env = await stackEnv();
    const base = `http://127.0.0.1:${env.MAILSTEAD_HTTP_PORT}`;

    const first = npmStart(env);
    let pids: number[] = [];
    let address: string;
    let password: string;
    try {
      const health = await waitForHealth(env.MAILSTEAD_HTTP_PORT!, first);
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
      killAll(first.child, pids);
    }

    const second = npmStart(env);
    try {
      const health = await waitForHealth(env.MAILSTEAD_HTTP_PORT!, second);
      pids = servicePids();
      expect(health.web).toEqual({ served: true });
      const printed = await banner(second.output);
      expect(printed).not.toMatch(/First run/);
      expect(printed).not.toMatch(/building the web app/);
      await logInAndSeeInbox(base, address, password, 'Welcome to your new server');
      await stop(second, pids);
    } finally {
      killAll(second.child, pids);
    }
  }, 240_000);
});
