import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { HealthReport } from '@mailstead/contracts';
import type { Store } from '@mailstead/store';
import { RoleRegistry } from '../app/roles/role-registry';
import { REDIS, STORE } from '../app/tokens';

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
  ) {}

  /** 200 when Postgres, Redis and every role of this process are fine; 503 otherwise. The web app's state is reported, not counted: the API works without it. */
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const [postgres, redis] = await Promise.all([probe(() => this.store.ping()), probe(() => this.redis.ping())]);
    const ok = postgres.ok && redis.ok && this.roles.healthy();
    void reply.status(ok ? 200 : 503);
    const web = reply.server.webApp;
    return { status: ok ? 'ok' : 'degraded', postgres, redis, roles: this.roles.snapshot(), web: { served: web?.dir !== undefined, detail: web?.problem } };
  }
}
