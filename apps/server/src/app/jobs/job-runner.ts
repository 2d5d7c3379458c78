import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { handlerTable, type AnyJobHandler, type JobName, type JobSchedules } from './job-catalog';

/** The BullMQ queue of the periodic jobs (the delivery queue is libs/delivery's own). */
export const JOBS_QUEUE = 'jobs';

export interface JobLog {
  error(obj: object, msg: string): void;
}

export interface JobRunnerOptions {
  redis: Redis;
  handlers: readonly AnyJobHandler[];
  schedules: JobSchedules;
  log: JobLog;
  /** BullMQ key prefix (tests isolate themselves with one). */
  prefix?: string;
}

/**
 * Runs the job catalog on BullMQ. Every process with the worker role upserts one job scheduler
 * per job name, with the name as the scheduler id: the schedulers live in Redis, so a second
 * or third process updates the same scheduler instead of adding its own, and each period
 * produces one job, which one of the processes runs. A new scheduler's first job runs at once.
 * The schedulers are upserted again whenever the Redis connection comes back, so a Redis
 * restart without persistence does not stop the jobs.
 */
export class JobRunner {
  private readonly handlers: ReadonlyMap<JobName, AnyJobHandler>;
  private queueConnection: Redis | undefined;
  private workerConnection: Redis | undefined;
  private queue: Queue | undefined;
  private worker: Worker | undefined;

  /** Throws when a job of the catalog has no handler or two (before anything touches Redis). */
  constructor(private readonly options: JobRunnerOptions) {
    this.handlers = handlerTable(options.handlers, Object.keys(options.schedules) as JobName[]);
  }

  async start(): Promise<void> {
    const { redis, prefix, log } = this.options;
    this.queueConnection = redis.duplicate({ maxRetriesPerRequest: null });
    this.queue = new Queue(JOBS_QUEUE, { connection: this.queueConnection, prefix });
    await this.schedule();
    this.queueConnection.on('ready', () => {
      this.schedule().catch((err: unknown) => log.error({ err }, 'could not register the periodic jobs again after reconnecting'));
    });
    this.workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
    this.worker = new Worker(JOBS_QUEUE, (job) => this.run(job), {
      connection: this.workerConnection,
      prefix,
      // one slot per job, so a long search fill does not hold up the delivery reconciler
      concurrency: this.handlers.size,
    });
    this.worker.on('failed', (job, err) => log.error({ err, job: job?.name }, 'periodic job failed; it runs again next period'));
    this.worker.on('error', (err) => log.error({ err }, 'periodic job worker error'));
    await this.worker.waitUntilReady();
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
    this.workerConnection?.disconnect();
    this.queueConnection?.disconnect();
  }

  private async schedule(): Promise<void> {
    const queue = this.queue!;
    for (const [name, { everyMs, payload }] of Object.entries(this.options.schedules)) {
      await queue.upsertJobScheduler(name, { every: everyMs }, { name, data: payload, opts: { removeOnComplete: true, removeOnFail: 100 } });
    }
    // A scheduler left by an older version's catalog would keep making jobs nobody handles.
    for (const scheduler of await queue.getJobSchedulers()) {
      if (!this.handlers.has(scheduler.key as JobName)) await queue.removeJobScheduler(scheduler.key);
    }
  }

  private async run(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job "${job.name}"`);
    await handler.run(job.data as never);
  }
}
