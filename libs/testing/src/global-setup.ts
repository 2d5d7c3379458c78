import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedPostgres, EmbeddedRedis, runMigrations } from '@mailstead/store';
import { freePort } from './ports';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test cluster's `postgres` database (for CREATE DATABASE). */
    pgAdminUrl: string;
    /** Name of the migrated template each test file clones. */
    pgTemplate: string;
    redisUrl: string;
  }
}

let postgres: EmbeddedPostgres | undefined;
let redis: EmbeddedRedis | undefined;
let dir: string | undefined;

/** One Postgres and one Redis per test run (README: `npm test`), torn down at the end. */
export async function setup(project: TestProject): Promise<void> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-test-'));
  postgres = new EmbeddedPostgres({ dataDir: path.join(dir, 'pg', 'data'), port: await freePort(), durable: false });
  redis = new EmbeddedRedis({ dir: path.join(dir, 'redis'), port: await freePort(), durable: false });
  await Promise.all([postgres.start(), redis.start()]);
  const template = 'mailstead_template';
  await postgres.ensureDatabase(template);
  await runMigrations(postgres.url(template));
  project.provide('pgAdminUrl', postgres.url('postgres'));
  project.provide('pgTemplate', template);
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await Promise.allSettled([postgres?.stop(), redis?.stop()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
