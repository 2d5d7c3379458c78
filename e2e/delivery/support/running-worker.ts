import { DeliveryWorker, type DeliveryWorkerOptions } from '@mailstead/delivery';
import { jobSchedules } from '../../../apps/server/src/app/jobs/job-catalog';
import { JobRunner } from '../../../apps/server/src/app/jobs/job-runner';
import { workerJobHandlers } from '../../../apps/server/src/app/jobs/worker-jobs';
import { createLogger } from '../../../apps/server/src/runtime/logger';

export interface RunningWorker {
  worker: DeliveryWorker;
  jobs: JobRunner;
  stop(): Promise<void>;
}

/**
 * A delivery worker with the periodic jobs, as the worker role runs them (the reconciler is the
 * `delivery.reconcile` job), on the options' BullMQ prefix.
 */
export async function startDeliveryWorker(options: DeliveryWorkerOptions): Promise<RunningWorker> {
  const worker = new DeliveryWorker(options);
  await worker.start();
  const jobs = new JobRunner({
    redis: options.redis,
    prefix: options.prefix,
    handlers: workerJobHandlers({ logger: createLogger({ log: { level: 'silent', pretty: false } }), store: options.store, delivery: worker }),
    schedules: jobSchedules(options.config),
    log: options.log,
  });
  await jobs.start();
  return {
    worker,
    jobs,
    async stop() {
      await jobs.stop();
      await worker.stop();
    },
  };
}
