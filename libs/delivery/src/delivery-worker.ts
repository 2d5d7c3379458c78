import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MailsteadConfig } from '@mailstead/config';
import type { Forwarding } from '@mailstead/pipeline';
import type { Store } from '@mailstead/store';
import { deliverOutbound, type DeliveryLogger, type DeliveryOutcome } from './delivery-processor';
import { DELIVERY_QUEUE, DeliveryQueue, type DeliveryJobData } from './delivery-queue';
import { DomainLimiter } from './domain-limiter';
import { dnsLookups, type DnsLookups } from './routing';
import { ConnectionCache, type TransferOptions } from './smtp-transfer';

export interface DeliveryWorkerOptions {
  store: Store;
  config: MailsteadConfig;
  redis: Redis;
  log: DeliveryLogger;
  /** BullMQ key prefix (tests isolate themselves with one). */
  prefix?: string;
  /** A claimed row is ours for this long without renewal (default MAILSTEAD_DELIVERY_LEASE); then the reconciler hands it out again (crash recovery). */
  leaseMs?: number;
  dns?: DnsLookups;
  transfer?: Partial<TransferOptions>;
  /** SRS reversal for DSNs of forwarded rows (forwardingFor in libs/pipeline); none: such DSNs are dropped and logged */
  forwarding?: Pick<Forwarding, 'reverse'> | null;
}

/**
 * How long a claim lasts when nobody renews it (an operator's bounce, which takes no time).
 * A delivery attempt's lease is MAILSTEAD_DELIVERY_LEASE, renewed while the attempt runs.
 */
export const DEFAULT_LEASE_MS = 60_000;

export type DeliveryCounters = Record<Exclude<DeliveryOutcome, 'skipped'> | 'attempts', number>;

/**
 * The worker role's delivery side: a BullMQ worker on the `delivery` queue running
 * `deliverOutbound` with the configured concurrency, and `reconcile()`, which enqueues each due
 * outbound row (queued, deferred and due, or `sending` with an expired lease). The app runs
 * `reconcile()` as the `delivery.reconcile` job every scan interval, once per cluster
 * (apps/server job-catalog.ts). Job ids are row ids, so a row whose job is still in Redis is
 * not enqueued twice; after a Redis flush or restart every due row is enqueued again. Retries
 * are not BullMQ delays: a deferred row carries its next attempt time in Postgres and the
 * reconciler enqueues it when that time comes.
 */
export class DeliveryWorker {
  readonly queue: DeliveryQueue;
  readonly counters: DeliveryCounters = { delivered: 0, deferred: 0, failed: 0, attempts: 0 };
  private worker: Worker<DeliveryJobData> | undefined;
  private workerConnection: Redis | undefined;
  private scanning: Promise<number> | undefined;
  private readonly limiter: DomainLimiter;
  private readonly dns: DnsLookups;
  /** SMTP connections kept open between transactions to the same host (this process's). */
  private readonly connections = new ConnectionCache();

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.queue = new DeliveryQueue(options.redis, { prefix: options.prefix });
    this.limiter = new DomainLimiter(options.config.delivery.connectionsPerDomain);
    this.dns = options.dns ?? dnsLookups(options.config.delivery.dnsServers);
  }

  async start(): Promise<void> {
    const { config, store, log } = this.options;
    this.workerConnection = this.options.redis.duplicate({ maxRetriesPerRequest: null });
    this.worker = new Worker<DeliveryJobData>(
      DELIVERY_QUEUE,
      async (job) => {
        const outcome = await deliverOutbound(BigInt(job.data.outboundId), {
          store,
          config,
          dns: this.dns,
          limiter: this.limiter,
          log,
          enqueue: (ids) => this.queue.enqueue(ids),
          leaseMs: this.options.leaseMs ?? config.delivery.lease,
          transfer: { connectionCache: this.connections, ...this.options.transfer },
          forwarding: this.options.forwarding,
        });
        if (outcome !== 'skipped') {
          this.counters.attempts += 1;
          this.counters[outcome] += 1;
        }
        return outcome;
      },
      { connection: this.workerConnection, prefix: this.options.prefix, concurrency: config.delivery.concurrency },
    );
    this.worker.on('failed', (job, err) => log.error({ err, outboundId: job?.data.outboundId }, 'delivery job failed; the reconciler retries the row when its lease ends'));
    this.worker.on('error', (err) => log.error({ err }, 'delivery worker error'));
    await this.worker.waitUntilReady();
  }

  /** Enqueues every due outbound row; returns how many were due. One scan at a time. */
  reconcile(): Promise<number> {
    this.scanning ??= (async () => {
      try {
        const ids = await this.options.store.outbound.dueIds();
        await this.queue.enqueue(ids);
        return ids.length;
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  /**
   * Lets the attempts in progress finish (BullMQ's close waits for active jobs), so a graceful
   * stop leaves no row claimed; a stop cut short (the shutdown bound) leaves rows whose short
   * lease runs out within MAILSTEAD_DELIVERY_LEASE. Giving a row back while its transfer still
   * runs would let a second worker deliver it twice.
   */
  async stop(): Promise<void> {
    await this.scanning?.catch(() => 0);
    await this.worker?.close();
    this.connections.close();
    this.workerConnection?.disconnect();
    await this.queue.close();
  }
}
