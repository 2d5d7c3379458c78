import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { MailsteadConfig } from '@mailstead/config';
import { DeliveryWorker } from '@mailstead/delivery';
import { forwardingFor } from '@mailstead/pipeline';
import type { Store } from '@mailstead/store';
import type { Logger } from '../../runtime/logger';
import { serverSecret } from '../../runtime/secret';
import { jobSchedules } from '../jobs/job-catalog';
import { JobRunner } from '../jobs/job-runner';
import { workerJobHandlers } from '../jobs/worker-jobs';
import { CONFIG, LOGGER, REDIS, STORE } from '../tokens';
import { RoleRegistry } from './role-registry';

/**
 * The worker role: outbound delivery (libs/delivery), a BullMQ worker on the `delivery` queue,
 * and the periodic jobs of the job catalog (search fill, expunge-history pruning, the delivery
 * reconciler that enqueues due outbound rows from Postgres, so rows created by any role are
 * picked up even when nobody enqueued them), each once per period across all worker processes.
 */
@Injectable()
class WorkerRole implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: DeliveryWorker | undefined;
  private jobs: JobRunner | undefined;

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
    const worker = new DeliveryWorker({
      store: this.store,
      config: this.config,
      redis: this.redis,
      // a DSN for a forwarded message goes to its SRS sender, reversed as the MX would
      forwarding: forwardingFor(this.store, this.config, serverSecret(this.config)),
      log: {
        info: (obj, msg) => log.info(obj, msg),
        warn: (obj, msg) => log.warn(obj, msg),
        error: (obj, msg) => log.error(obj, msg),
      },
    });
    // Outside the try: a job without a handler (or with two) is a programming error, and the process must not start.
    const jobs = new JobRunner({
      redis: this.redis,
      handlers: workerJobHandlers({ logger: this.logger, store: this.store, delivery: worker }),
      schedules: jobSchedules(this.config),
      log: { error: (obj, msg) => log.error(obj, msg) },
    });
    try {
      await worker.start();
      this.worker = worker;
      await jobs.start();
      this.jobs = jobs;
      this.registry.set('worker', { state: 'up', listeners: [], detail: `delivery queue, concurrency ${this.config.delivery.concurrency}; periodic jobs` });
    } catch (error) {
      this.registry.set('worker', { state: 'down', detail: (error as Error).message });
      log.error({ err: error }, 'worker role failed to start');
      await jobs.stop().catch(() => undefined);
      await worker.stop().catch(() => undefined);
      this.jobs = undefined;
      this.worker = undefined;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // the jobs first: the reconciler uses the delivery queue
    await this.jobs?.stop();
    await this.worker?.stop();
  }
}

@Module({ providers: [WorkerRole] })
export class WorkerRoleModule {}
