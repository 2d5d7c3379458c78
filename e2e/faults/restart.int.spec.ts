import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, groupAlive, killGroup, npmStart, runCli, stackEnv, waitForHealth, type StackRun } from '../support/npm-start';

// Issue 22: restarts after a crash, a second instance on the same data dir, stale pid files.
const dirs: string[] = [];
const decoys: ChildProcess[] = [];
afterAll(() => {
  for (const d of decoys) d.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-faults-'));
  dirs.push(dir);
  return dir;
}

const pgPid = (dir: string) => Number(fs.readFileSync(path.join(dir, 'pg/data/postmaster.pid'), 'utf8').split('\n')[0]);
const redisPid = (dir: string) => Number(fs.readFileSync(path.join(dir, 'redis/redis.pid'), 'utf8').trim());

async function stopCleanly(run: StackRun): Promise<void> {
  process.kill(-run.child.pid!, 'SIGTERM');
  await run.exited;
  await expect.poll(() => groupAlive(run.child), { timeout: 30_000 }).toBe(false);
}

/** `npm start` on a fresh data dir, healthy, for `use`; whatever is left of it is killed afterwards. */
async function withHealthyStack(use: (run: StackRun, env: NodeJS.ProcessEnv, dir: string) => Promise<void>, dir = dataDir(), env?: NodeJS.ProcessEnv): Promise<void> {
  const stackEnvironment = env ?? (await stackEnv(dir));
  const run = npmStart(stackEnvironment);
  try {
    await waitForHealth(stackEnvironment.MAILSTEAD_HTTP_PORT!, run.output);
    await use(run, stackEnvironment, dir);
  } finally {
    killGroup(run.child);
  }
}

/** A process that is not ours, whose command line looks like one of our servers (`exec -a`). */
function decoy(argv0: string): ChildProcess {
  const child = spawn('bash', ['-c', `exec -a "${argv0}" sleep 600`], { stdio: 'ignore', detached: true });
  decoys.push(child);
  return child;
}

describe('restarts', () => {
  it('npm start after kill -9 of the server comes back on the first try, three times over, with the data', async () => {
    const dir = dataDir();
    const env = await stackEnv(dir);
    let run = npmStart(env);
    try {
      await waitForHealth(env.MAILSTEAD_HTTP_PORT!, run.output);
      expect((await runCli(env, ['user', 'add', 'kept@start.test', '--password', 'kept-password'])).code).toBe(0);
      for (let round = 1; round <= 3; round++) {
        const [pg, redis] = [pgPid(dir), redisPid(dir)];
        killGroup(run.child);
        await run.exited;
        // the crash leaves the embedded servers running, in process groups of their own
        expect(alive(pg) && alive(redis)).toBe(true);
        run = npmStart(env);
        const health = await waitForHealth(env.MAILSTEAD_HTTP_PORT!, run.output);
        expect(health.status).toBe('ok');
        expect(run.output()).toMatch(/stopping a leftover server/);
        expect(alive(pg) || alive(redis)).toBe(false);
        expect(redisPid(dir)).not.toBe(redis);
      }
      expect((await runCli(env, ['user', 'list'])).stdout).toMatch(/kept@start\.test/);
      await stopCleanly(run);
    } finally {
      killGroup(run.child);
    }
  }, 240_000);

  it('a second npm start on the same data dir refuses with one line and leaves the first untouched', async () => {
    await withHealthyStack(async (first, env, dir) => {
      const [pg, redis] = [pgPid(dir), redisPid(dir)];
      // same data dir, ports of its own
      const second = npmStart({ ...(await stackEnv(dir)), MAILSTEAD_EMBEDDED_PG_PORT: env.MAILSTEAD_EMBEDDED_PG_PORT, MAILSTEAD_EMBEDDED_REDIS_PORT: env.MAILSTEAD_EMBEDDED_REDIS_PORT });
      expect(await second.exited).toBe('exit 1');
      expect(second.output()).toMatch(new RegExp(`Mailstead is already running on ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(PID \\d+`));
      expect(alive(pg) && alive(redis)).toBe(true);
      expect([pgPid(dir), redisPid(dir)]).toEqual([pg, redis]);
      const health = await fetch(`http://127.0.0.1:${env.MAILSTEAD_HTTP_PORT}/api/health`);
      expect(health.status).toBe(200);
      expect((await runCli(env, ['user', 'list'])).code).toBe(0);
      await stopCleanly(first);
    });
  }, 180_000);

  it('stale pid files naming unrelated processes send them no signal; the stack starts anyway', async () => {
    const dir = dataDir();
    const env = await stackEnv(dir);
    const run = npmStart(env);
    await waitForHealth(env.MAILSTEAD_HTTP_PORT!, run.output);
    await stopCleanly(run);
    // processes that look like ours by name and command line, named by the pid files
    const fakePostmaster = decoy(`postgres -D ${path.join(dir, 'pg/data')}`);
    const fakeRedis = decoy(`redis-server 127.0.0.1:${env.MAILSTEAD_EMBEDDED_REDIS_PORT}`);
    await expect.poll(() => fs.readFileSync(`/proc/${fakeRedis.pid}/cmdline`, 'utf8').startsWith('redis-server')).toBe(true);
    fs.writeFileSync(path.join(dir, 'pg/data/postmaster.pid'), `${fakePostmaster.pid}\n${path.join(dir, 'pg/data')}\n`);
    fs.writeFileSync(path.join(dir, 'redis/redis.pid'), `${fakeRedis.pid}\n`);
    await withHealthyStack(
      async (again) => {
        expect(again.output()).toMatch(/removing a stale .*postmaster\.pid/);
        expect(alive(fakePostmaster.pid!) && alive(fakeRedis.pid!)).toBe(true);
        expect(fakePostmaster.exitCode ?? fakePostmaster.signalCode).toBeNull();
        expect(fakeRedis.exitCode ?? fakeRedis.signalCode).toBeNull();
        await stopCleanly(again);
      },
      dir,
      env,
    );
  }, 180_000);
});

describe('supervised embedded servers', () => {
  it('an embedded Postgres or Redis killed under the running server is restarted, and the server works again', async () => {
    await withHealthyStack(async (run, env, dir) => {
      for (const [name, pidOf] of [['redis', redisPid], ['postgres', pgPid]] as const) {
        const before = pidOf(dir);
        process.kill(before, 'SIGKILL');
        await expect.poll(() => run.output().includes(`embedded ${name} restarted`), { timeout: 60_000 }).toBe(true);
        expect(run.output()).toContain(`embedded ${name} exited unexpectedly; restarting it`);
        await waitForHealth(env.MAILSTEAD_HTTP_PORT!, run.output);
        expect(pidOf(dir)).not.toBe(before);
      }
      // the database took writes again, through the running server's own pools
      expect((await runCli(env, ['user', 'add', 'after@start.test', '--password', 'after-password'])).code).toBe(0);
      const login = await fetch(`http://127.0.0.1:${env.MAILSTEAD_HTTP_PORT}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ address: 'after@start.test', password: 'after-password' }),
      });
      expect(login.status).toBe(200);
      await stopCleanly(run);
    });
  }, 180_000);
});

describe('shutdown', () => {
  it('Ctrl-C ends the process within a bound even when Postgres and Redis hang (SIGSTOP)', async () => {
    const frozen: number[] = [];
    try {
      await withHealthyStack(async (run, _env, dir) => {
        for (const pid of [pgPid(dir), redisPid(dir)]) {
          process.kill(pid, 'SIGSTOP');
          frozen.push(pid);
        }
        const started = Date.now();
        process.kill(-run.child.pid!, 'SIGINT');
        await run.exited;
        await expect.poll(() => groupAlive(run.child), { timeout: 40_000, interval: 200 }).toBe(false);
        // every step is bounded (8 s) and so is the whole (30 s)
        expect(Date.now() - started).toBeLessThan(35_000);
      });
    } finally {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  }, 180_000);
});
