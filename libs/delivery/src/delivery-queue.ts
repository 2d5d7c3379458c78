import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** The BullMQ queue of outbound deliveries: one job per outbound row (message x domain). */
export const DELIVERY_QUEUE = 'delivery';

export interface DeliveryJobData {
  /** outbound.id as a decimal string (BigInt does not survive JSON). */
  outboundId: string;
}

/**
 * The job id of an outbound row. BullMQ refuses purely numeric custom ids, so the row id gets a
 * prefix; one id per row makes enqueueing idempotent (adding a live job again is a no-op).
 */
export function outboundJobId(id: bigint): string {
  return `outbound-${id}`;
}

/**
 * Producer side of the delivery queue. Other roles (SMTP, API) and the CLI use it to put new or
 * retried outbound rows on the queue at once; the worker's reconciler would find them within
 * MAILSTEAD_DELIVERY_SCAN_INTERVAL anyway (Postgres is the source of truth).
 */
export class DeliveryQueue {
  readonly queue: Queue<DeliveryJobData>;
  private readonly connection: Redis;

  constructor(redis: Redis, options: { prefix?: string } = {}) {
    // BullMQ wants its own connection that retries forever (maxRetriesPerRequest: null).
    this.connection = redis.duplicate({ maxRetriesPerRequest: null });
    this.queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection: this.connection, prefix: options.prefix });
  }

  async enqueue(ids: bigint[]): Promise<void> {
    if (ids.length === 0) return;
    await this.queue.addBulk(
      ids.map((id) => ({
        name: 'deliver',
        data: { outboundId: id.toString() },
        // Finished jobs leave Redis at once, so the same row can be enqueued again when due.
        opts: { jobId: outboundJobId(id), removeOnComplete: true, removeOnFail: true },
      })),
    );
  }

  /** Drops a row's job if it is waiting; an active one finishes and then finds its row gone. */
  async remove(id: bigint): Promise<boolean> {
    return (await this.queue.remove(outboundJobId(id))) === 1;
  }

  /** Jobs in Redis by state (waiting, active, delayed...). */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts();
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}

/** Enqueues outbound rows promptly from any role: `await enqueueOutbound(redis, result.outboundIds)`. */
export async function enqueueOutbound(redis: Redis, ids: bigint[], options: { prefix?: string } = {}): Promise<void> {
  if (ids.length === 0) return;
  const queue = new DeliveryQueue(redis, options);
  try {
    await queue.enqueue(ids);
  } finally {
    await queue.close();
  }
}
