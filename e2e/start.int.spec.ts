import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, groupAlive, killGroup, npmStart, runCli, stackEnv, waitForHealth } from './support/npm-start';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-start-'));

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm start on a fresh data directory', () => {
  it('comes up healthy, serves the CLI, and Ctrl-C leaves no process behind; a restart keeps the data', async () => {
    const env = await stackEnv(dataDir);
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
