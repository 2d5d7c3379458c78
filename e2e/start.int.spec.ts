import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@mailstead/testing';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-start-'));

async function stackEnv(): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env, MAILSTEAD_DATA_DIR: dataDir, MAILSTEAD_ADMIN_ADDRESS: 'admin@start.test' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.MAILSTEAD_ADMIN_PASSWORD;
  for (const name of ['HTTP', 'EMBEDDED_PG', 'EMBEDDED_REDIS', 'SMTP', 'SUBMISSION', 'SUBMISSIONS', 'IMAP', 'IMAPS', 'POP3', 'POP3S']) {
    env[`MAILSTEAD_${name}_PORT`] = String(await freePort());
  }
  return env;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm start` in its own process group, as a terminal runs it, so SIGINT to the group is Ctrl-C. */
function npmStart(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<string> } {
  const child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  return { child, output: () => output, exited };
}

async function waitForHealth(port: string, output: () => string): Promise<{ status: string; roles: Record<string, { state: string }> }> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.status === 200) return (await res.json()) as { status: string; roles: Record<string, { state: string }> };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no healthy /api/health within 60 s; output:\n${output()}`);
}

function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/mailstead.mjs'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm start on a fresh data directory', () => {
  it('comes up healthy, serves the CLI, and Ctrl-C leaves no process behind; a restart keeps the data', async () => {
    const env = await stackEnv();
    const first = npmStart(env);
    try {
      const health = await waitForHealth(env.MAILSTEAD_HTTP_PORT!, first.output);
      expect(health.status).toBe('ok');
      expect(health.roles.api!.state).toBe('up');
      expect(first.output()).toMatch(/created the admin account admin@start\.test/);
      expect(first.output()).toMatch(/Its password \(shown only this once\): [a-z2-9]{4}(-[a-z2-9]{4}){3}/);

      const added = await runCli(env, ['user', 'add', 'alice@start.test', '--password', 'alice-password']);
      expect(added).toMatchObject({ code: 0, stdout: 'added user alice@start.test\n' });
      const listed = await runCli(env, ['user', 'list']);
      expect(listed.stdout).toMatch(/alice@start\.test\s+user\s+true/);
      const bad = await runCli(env, ['user', 'add', 'not-an-address', '--password', 'whatever1']);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim()).toBe('mailstead: "not-an-address" is not a valid address');

      const pgPid = Number(fs.readFileSync(path.join(dataDir, 'pg/data/postmaster.pid'), 'utf8').split('\n')[0]);
      const redisPid = Number(fs.readFileSync(path.join(dataDir, 'redis/redis.pid'), 'utf8').trim());
      expect(alive(pgPid) && alive(redisPid)).toBe(true);

      // npm itself dies of the SIGINT, as under a terminal; the server must still stop in order.
      process.kill(-first.child.pid!, 'SIGINT');
      await first.exited;
      await expect.poll(() => groupAlive(first.child), { timeout: 30_000 }).toBe(false);
      expect(first.output()).toMatch(/mailstead stopped cleanly/);
      expect(alive(pgPid) || alive(redisPid)).toBe(false);
    } finally {
      killGroup(first.child);
    }

    const second = npmStart(env);
    try {
      await waitForHealth(env.MAILSTEAD_HTTP_PORT!, second.output);
      expect(second.output()).not.toMatch(/First run/);
      expect((await runCli(env, ['user', 'list'])).stdout).toMatch(/alice@start\.test/);
      process.kill(-second.child.pid!, 'SIGTERM');
      await second.exited;
      await expect.poll(() => groupAlive(second.child), { timeout: 30_000 }).toBe(false);
      expect(second.output()).toMatch(/mailstead stopped cleanly/);
    } finally {
      killGroup(second.child);
    }
  }, 180_000);
});
