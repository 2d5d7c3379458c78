import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { MailsteadConfig } from '@mailstead/config';
import { DeliveryWorker } from '@mailstead/delivery';
import type { Store } from '@mailstead/store';
import type { Logger } from '../../runtime/logger';
import { CONFIG, LOGGER, REDIS, STORE } from '../tokens';
import { ExpungePruneJob } from './expunge-prune.job';
import { RoleRegistry } from './role-registry';
import { SearchIndexJob } from './search-index.job';

/**
 * The worker role: outbound delivery (libs/delivery). A BullMQ worker on the `delivery` queue
 * plus a reconciler that enqueues every due outbound row from Postgres each scan interval, so
 * rows created by any role are picked up even when nobody enqueued them.
 */
@Injectable()
class WorkerRole implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: DeliveryWorker | undefined;

  constructor(
    @Inject(RoleRegistry) private readonly registry: RoleRegistry,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(STORE) private readonly store: Store,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.registry.set('worker', { state: 'starting' });
    const log = this.logger.child({ role: 'worker' });
    this.worker = new DeliveryWorker({
      store: this.store,
      config: this.config,
      redis: this.redis,
      log: {
        info: (obj, msg) => log.info(obj, msg),
        warn: (obj, msg) => log.warn(obj, msg),
        error: (obj, msg) => log.error(obj, msg),
      },
    });
    try {
      await this.worker.start();
      this.registry.set('worker', { state: 'up', listeners: [], detail: `delivery queue, concurrency ${this.config.delivery.concurrency}` });
    } catch (error) {
      this.registry.set('worker', { state: 'down', detail: (error as Error).message });
      log.error({ err: error }, 'delivery worker failed to start');
      await this.worker.stop().catch(() => undefined);
      this.worker = undefined;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }
}

@Module({ providers: [WorkerRole, ExpungePruneJob, SearchIndexJob] })
export class WorkerRoleModule {}
