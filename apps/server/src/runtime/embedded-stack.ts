import path from 'node:path';
import type { MailsteadConfig } from '@mailstead/config';
import { DataDirLock, EmbeddedPostgres, EmbeddedRedis } from '@mailstead/store';
import type { Logger } from './logger';

export interface ServiceUrls {
  databaseUrl: string;
  redisUrl: string;
  /** Stops whatever this process started (nothing when both URLs were configured). */
  stop(): Promise<void>;
  /** Kills the child processes at once, for an exit that cannot wait. */
  killNow(): void;
}

export function embeddedPostgresDir(config: MailsteadConfig): string {
  return path.join(config.dataDir, 'pg', 'data');
}

/** Restart attempts for an embedded server that died, and the waits before each. */
const RESTART_DELAYS_MS = [250, 1000, 2000, 4000, 8000];

/**
 * A supervisor for an embedded server (as a service manager would be): when it dies on its
 * own it is logged and started again on the same port, with backoff; clients (the pg pool,
 * ioredis, BullMQ, the change feed) reconnect by themselves. If it cannot be restarted,
 * `onFatal` ends the process, so a supervisor of our own (systemd, Docker) restarts everything.
 */
function restarter(name: string, server: () => { start(): Promise<void> }, log: Logger, onFatal: () => void) {
  let restarting = false;
  return (code: number | null, signal: NodeJS.Signals | null) => {
    if (restarting) return;
    restarting = true;
    log.error({ component: name, code, signal }, `embedded ${name} exited unexpectedly; restarting it`);
    void (async () => {
      for (const [attempt, delay] of RESTART_DELAYS_MS.entries()) {
        await new Promise((r) => setTimeout(r, delay));
        try {
          await server().start();
          log.warn({ component: name, attempt: attempt + 1 }, `embedded ${name} restarted`);
          restarting = false;
          return;
        } catch (error) {
          log.error({ component: name, attempt: attempt + 1, err: error }, `embedded ${name} did not restart`);
        }
      }
      log.fatal({ component: name }, `embedded ${name} could not be restarted; exiting`);
      onFatal();
    })();
  };
}

/** DATABASE_URL / REDIS_URL when set; otherwise an embedded Postgres and the system redis-server. */
export async function startServices(config: MailsteadConfig, log: Logger, onFatal: () => void = () => process.exit(70)): Promise<ServiceUrls> {
  // Embedded servers belong to one process at a time: a second start refuses (DataDirInUseError)
  // instead of stopping the first one's Postgres and Redis.
  const lock = !config.database.url || !config.redis.url ? DataDirLock.acquire(config.dataDir, `npm start, roles ${config.roles.join(',')}`) : undefined;
  const started: { stop(): Promise<void>; killNow(): void }[] = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop();
    lock?.release();
  };
  try {
    const [databaseUrl, redisUrl] = await Promise.all([
      (async () => {
        if (config.database.url) return config.database.url;
        const pg: EmbeddedPostgres = new EmbeddedPostgres({
          dataDir: embeddedPostgresDir(config),
          port: config.database.embeddedPort,
          onUnexpectedExit: restarter('postgres', () => pg, log, onFatal),
          log: (line) => log.debug({ component: 'postgres' }, line),
          notice: (line) => log.warn({ component: 'postgres' }, line),
        });
        log.info({ dir: embeddedPostgresDir(config), port: config.database.embeddedPort }, 'starting embedded PostgreSQL');
        started.push(pg);
        await pg.start();
        return pg.url('mailstead');
      })(),
      (async () => {
        if (config.redis.url) return config.redis.url;
        const redis: EmbeddedRedis = new EmbeddedRedis({
          dir: path.join(config.dataDir, 'redis'),
          port: config.redis.embeddedPort,
          onUnexpectedExit: restarter('redis', () => redis, log, onFatal),
          log: (line) => log.debug({ component: 'redis' }, line),
          notice: (line) => log.warn({ component: 'redis' }, line),
        });
        log.info({ port: config.redis.embeddedPort }, 'starting redis-server');
        started.push(redis);
        await redis.start();
        return redis.url;
      })(),
    ]);
    return {
      databaseUrl,
      redisUrl,
      stop,
      killNow: () => started.forEach((s) => s.killNow()),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
