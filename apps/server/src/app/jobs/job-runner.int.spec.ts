import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedRedis } from '@mailstead/store';
import { freePort, redisUrl } from '@mailstead/testing';
import type { AnyJobHandler, JobName, JobSchedules } from './job-catalog';
import { JOBS_QUEUE, JobRunner } from './job-runner';

const HOUR = 3_600_000;
const RECONCILE_EVERY = 200;
const schedules: JobSchedules = {
  'search-index.fill': { everyMs: HOUR, payload: { budgetMs: 1 } },
  'expunge-history.prune': { everyMs: HOUR, payload: { retentionDays: 7 } },
  'delivery.reconcile': { everyMs: RECONCILE_EVERY, payload: {} },
  'sieve-tracking.prune': { everyMs: HOUR, payload: {} },
};
const quiet = { error: (obj: object, msg: string) => console.error(msg, obj) };

/** Handlers that record which runner ran which job, with what payload. */
function recordingHandlers(runner: string, runs: { runner: string; job: JobName; payload: unknown }[], onRun: (job: JobName) => void = () => undefined): AnyJobHandler[] {
  return (Object.keys(schedules) as JobName[]).map(
    (job) =>
      ({
        job,
        run: async (payload: unknown) => {
          runs.push({ runner, job, payload });
          onRun(job);
        },
      }) as AnyJobHandler,
  );
}

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
});
afterAll(() => redis.disconnect());

describe('the job catalog', () => {
  it('refuses a job without a handler, or with two, before touching Redis', async () => {
    const prefix = `jobs-${randomBytes(4).toString('hex')}`;
    const runs: { runner: string; job: JobName; payload: unknown }[] = [];
    const all = recordingHandlers('a', runs);
    const withoutReconcile = all.filter((h) => h.job !== 'delivery.reconcile');
    expect(() => new JobRunner({ redis, prefix, handlers: withoutReconcile, schedules, log: quiet })).toThrow('job catalog: job "delivery.reconcile" has no handler');
    expect(() => new JobRunner({ redis, prefix, handlers: [...all, all[0]!], schedules, log: quiet })).toThrow('job "search-index.fill" has 2 handlers');
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  });
});

describe('repeatable jobs on one Redis', () => {
  it('two worker processes run each job once per period, not once each', async () => {
    const prefix = `jobs-${randomBytes(4).toString('hex')}`;
    const connection = redis.duplicate({ maxRetriesPerRequest: null });
    const events = new QueueEvents(JOBS_QUEUE, { connection, prefix });
    await events.waitUntilReady();
    const completed: string[] = [];
    const enoughReconciles = new Promise<void>((resolve) => {
      events.on('completed', ({ jobId }) => {
        completed.push(jobId);
        if (completed.length >= 10) resolve();
      });
    });
    // a scheduler an older version registered for a job the catalog no longer has
    const stale = new Queue(JOBS_QUEUE, { connection: redis, prefix });
    await stale.upsertJobScheduler('retired.job', { every: HOUR, startDate: Date.now() + HOUR }, { name: 'retired.job' });
    const runs: { runner: string; job: JobName; payload: unknown }[] = [];
    const a = new JobRunner({ redis, prefix, handlers: recordingHandlers('a', runs), schedules, log: quiet });
    const b = new JobRunner({ redis, prefix, handlers: recordingHandlers('b', runs), schedules, log: quiet });
    try {
      await Promise.all([a.start(), b.start()]);
      await enoughReconciles;
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await events.close();
      connection.disconnect();
    }
    expect((await stale.getJobSchedulers()).map((j) => j.key).sort()).toEqual(['delivery.reconcile', 'expunge-history.prune', 'search-index.fill', 'sieve-tracking.prune']);
    await stale.close();
    // The hourly jobs ran once at start, though both processes registered them; the reconciler
    // ran several periods meanwhile, so a second registration that ran them again would show.
    expect(runs.filter((r) => r.job === 'search-index.fill').map((r) => r.payload)).toEqual([{ budgetMs: 1 }]);
    expect(runs.filter((r) => r.job === 'expunge-history.prune').map((r) => r.payload)).toEqual([{ retentionDays: 7 }]);
    // One scheduler for the reconciler, whose runs are whole periods apart (BullMQ's id of a
    // scheduled job is repeat:<scheduler>:<its slot in ms>); a second scheduler would interleave.
    const slots = completed.filter((id) => id.startsWith('repeat:delivery.reconcile:')).map((id) => Number(id.split(':').at(-1)));
    expect(new Set(slots).size).toBe(slots.length);
    const gaps = slots.slice(1).map((slot, i) => slot - slots[i]!);
    expect(gaps.every((gap) => gap >= RECONCILE_EVERY && gap % RECONCILE_EVERY === 0), `gaps ${gaps.join(', ')}`).toBe(true);
    expect(completed.every((id) => /^repeat:(search-index\.fill|expunge-history\.prune|delivery\.reconcile|sieve-tracking\.prune):\d+$/.test(id))).toBe(true);
    // every run was a completed BullMQ job (none ran outside the queue)
    expect(runs.filter((r) => r.job === 'delivery.reconcile').length).toBeGreaterThanOrEqual(slots.length);
    expect(runs.filter((r) => r.job === 'delivery.reconcile').length).toBeLessThanOrEqual(slots.length + 2);
  });

  it('registers the jobs again when Redis comes back empty (a restart without persistence)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-jobs-'));
    // nothing on disk, so the restarted server is empty (a variable: older EmbeddedRedis lacks the option and never persists)
    const serverOptions = { dir, port: await freePort(), durable: false };
    const server = new EmbeddedRedis(serverOptions);
    await server.start();
    const own = new Redis(server.url, { maxRetriesPerRequest: null });
    own.on('error', () => undefined); // refused while the server restarts
    const runs: { runner: string; job: JobName; payload: unknown }[] = [];
    const waiters: { until: () => boolean; resolve: () => void }[] = [];
    const ranEnough = (until: () => boolean) => new Promise<void>((resolve) => waiters.push({ until, resolve }));
    const count = (job: JobName) => runs.filter((r) => r.job === job).length;
    const runner = new JobRunner({
      redis: own,
      handlers: recordingHandlers('a', runs, () => {
        for (const w of waiters.filter((x) => x.until())) w.resolve();
      }),
      schedules,
      log: { error: () => undefined },
    });
    try {
      const started = ranEnough(() => count('search-index.fill') === 1 && count('delivery.reconcile') >= 1);
      await runner.start();
      await started;
      await server.stop();
      const reconciledBefore = count('delivery.reconcile');
      // Back empty: the hourly search fill runs at once again only if its scheduler is registered anew.
      const again = ranEnough(() => count('search-index.fill') === 2 && count('delivery.reconcile') > reconciledBefore);
      await server.start();
      await again;
      expect(count('search-index.fill')).toBe(2);
    } finally {
      await runner.stop();
      own.disconnect();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
