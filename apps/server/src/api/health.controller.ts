import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { MailsteadConfig } from '@mailstead/config';
import type { HealthReport } from '@mailstead/contracts';
import { freeSpace } from '@mailstead/pipeline';
import type { Store } from '@mailstead/store';
import { RoleRegistry } from '../app/roles/role-registry';
import { CONFIG, REDIS, STORE } from '../app/tokens';

async function probe(fn: () => Promise<unknown>): Promise<{ ok: boolean; latencyMs?: number; error?: string }> {
  const started = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref())]);
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(RoleRegistry) private readonly roles: RoleRegistry,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
  ) {}

  /** 200 when Postgres, Redis, the data dir's free space and every role of this process are fine; 503 otherwise. The web app's state is reported, not counted: the API works without it. */
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const [postgres, redis, freeBytes] = await Promise.all([probe(() => this.store.ping()), probe(() => this.redis.ping()), freeSpace(this.config.dataDir)]);
    const disk = { ok: freeBytes >= this.config.minFreeSpace, freeBytes, minFreeBytes: this.config.minFreeSpace };
    const ok = postgres.ok && redis.ok && disk.ok && this.roles.healthy();
    void reply.status(ok ? 200 : 503);
    const web = reply.server.webApp;
    return { status: ok ? 'ok' : 'degraded', postgres, redis, roles: this.roles.snapshot(), web: { served: web?.dir !== undefined, detail: web?.problem }, disk };
  }
}
