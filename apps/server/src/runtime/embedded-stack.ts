import path from 'node:path';
import type { MailsteadConfig } from '@mailstead/config';
import { DataDirLock, EmbeddedPostgres, EmbeddedRedis } from '@mailstead/store';
import type { Logger } from './logger';

export interface ServiceUrls {
  databaseUrl: string;
  redisUrl: string;
  /** Stops whatever this process started (nothing when both URLs were configured). */
  stop(): Promise<void>;
  /** Child processes started here, for the health report and tests. */
  pids: number[];
  /** Kills the child processes at once, for an exit that cannot wait. */
  killNow(): void;
}

export function embeddedPostgresDir(config: MailsteadConfig): string {
  return path.join(config.dataDir, 'pg', 'data');
}

/** DATABASE_URL / REDIS_URL when set; otherwise an embedded Postgres and the system redis-server. */
export async function startServices(config: MailsteadConfig, log: Logger): Promise<ServiceUrls> {
  // Embedded servers belong to one process at a time: a second start refuses (DataDirInUseError)
  // instead of stopping the first one's Postgres and Redis.
  const lock = !config.database.url || !config.redis.url ? DataDirLock.acquire(config.dataDir, `npm start, roles ${config.roles.join(',')}`) : undefined;
  const started: { stop(): Promise<void>; killNow(): void; pid: number | undefined }[] = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop();
    lock?.release();
  };
  try {
    const [databaseUrl, redisUrl] = await Promise.all([
      (async () => {
        if (config.database.url) return config.database.url;
        const pg = new EmbeddedPostgres({
          dataDir: embeddedPostgresDir(config),
          port: config.database.embeddedPort,
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
        const redis = new EmbeddedRedis({
          dir: path.join(config.dataDir, 'redis'),
          port: config.redis.embeddedPort,
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
      pids: started.map((s) => s.pid).filter((p): p is number => p !== undefined),
      killNow: () => started.forEach((s) => s.killNow()),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
