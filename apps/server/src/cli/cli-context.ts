import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { MailsteadConfig } from '@mailstead/config';
import { DataDirLock, EmbeddedPostgres, Store, StoreError, runMigrations } from '@mailstead/store';
import { embeddedPostgresDir } from '../runtime/embedded-stack';
import { ServiceError } from '../services/service-error';

/** Bad usage: exit code 2. Everything else that fails: exit code 1. */
export class UsageError extends Error {}

export interface CliContext {
  config: MailsteadConfig;
  store(): Promise<Store>;
  /**
   * The running stack's Redis (REDIS_URL, else the embedded port), or null when it is not
   * reachable: Postgres is the source of truth, so commands go on without it (and say so).
   */
  redis(): Promise<Redis | null>;
  out(line?: string): void;
  close(): Promise<void>;
}

/**
 * The CLI works against the running stack's database: DATABASE_URL when set, else the embedded
 * cluster on its port. If that cluster is not running, the CLI starts it for the command's duration.
 */
export function createCliContext(config: MailsteadConfig, out: (line: string) => void): CliContext {
  let store: Store | undefined;
  let embedded: EmbeddedPostgres | undefined;
  let lock: DataDirLock | undefined;
  let redis: Promise<Redis | null> | undefined;
  return {
    config,
    out: (line = '') => out(line),
    redis() {
      redis ??= (async () => {
        const url = config.redis.url ?? `redis://127.0.0.1:${config.redis.embeddedPort}`;
        const client = new Redis(url, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
        client.on('error', () => undefined);
        try {
          await client.connect();
          return client;
        } catch {
          client.disconnect();
          return null;
        }
      })();
      return redis;
    },
    async store() {
      if (store) return store;
      let url = config.database.url;
      if (!url) {
        const dataDir = embeddedPostgresDir(config);
        const secret = EmbeddedPostgres.readSecret(dataDir);
        if (secret && fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
          url = `postgresql://postgres:${encodeURIComponent(secret)}@127.0.0.1:${config.database.embeddedPort}/mailstead`;
        } else {
          // the stack is not running: hold its data dir while the CLI runs the cluster itself
          lock = DataDirLock.acquire(config.dataDir, 'mailstead CLI');
          embedded = new EmbeddedPostgres({ dataDir, port: config.database.embeddedPort });
          await embedded.start();
          url = embedded.url('mailstead');
        }
        await runMigrations(url);
      }
      store = await Store.connect(url, { poolSize: 2 });
      return store;
    },
    async close() {
      (await redis)?.disconnect();
      await store?.close();
      await embedded?.stop();
      lock?.release();
    },
  };
}

export function describeError(error: unknown): { message: string; code: number } {
  if (error instanceof UsageError) return { message: error.message, code: 2 };
  if (error instanceof ServiceError) return { message: error.message, code: error.code === 'invalid' ? 2 : 1 };
  if (error instanceof StoreError) return { message: error.message, code: error.code === 'invalid' ? 2 : 1 };
  const e = error as { code?: string; message?: string };
  if (e?.code === 'ECONNREFUSED') return { message: 'cannot reach the database (is DATABASE_URL right, or the stack running?)', code: 1 };
  return { message: e?.message ?? String(error), code: 1 };
}
