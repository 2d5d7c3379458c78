import type { MailsteadConfig } from '@mailstead/config';
import { StoreError, type OutboundDetail, type OutboundStatus, type OutboundSummary, type RecipientResult, type RecipientStatus, type Store } from '@mailstead/store';
import { reportFailures, type DeliveryLogger, type FailedRecipient, type ReportDeps } from './delivery-processor';
import { DEFAULT_LEASE_MS } from './delivery-worker';

/** The part of DeliveryQueue the service uses (null: no Redis; the reconciler acts on the rows). */
export interface QueueProducer {
  enqueue(ids: bigint[]): Promise<void>;
  remove(id: bigint): Promise<boolean>;
}

export interface QueueListQuery {
  status?: OutboundStatus;
  /** Destination domain. */
  domain?: string;
  /** Envelope sender; "" lists bounces (null sender). */
  sender?: string;
  /** Only entries queued at least this long ago, in milliseconds. */
  olderThanMs?: number;
  /** Most entries returned (default 200). */
  limit?: number;
}

/** Counters from Postgres: outbound rows (message x destination domain) and their recipients. */
export interface QueueStats {
  /** Waiting for a first attempt. */
  queued: number;
  /** An attempt is in progress (or its worker died and the lease has not run out). */
  sending: number;
  /** Waiting for a retry after a temporary failure. */
  deferred: number;
  delivered: number;
  /** Failed for good (5xx, expiry, operator bounce): the sender got a DSN unless it was <>. */
  bounced: number;
  /** The same counts per recipient. */
  recipients: Record<RecipientStatus, number>;
  pausedDomains: string[];
}

export interface QueueServiceOptions {
  store: Store;
  config: MailsteadConfig;
  /** A DeliveryQueue (or null without Redis: Postgres changes are still made). */
  queue: QueueProducer | null;
  log?: DeliveryLogger;
  /** SRS reversal for the DSN of a forwarded entry (see DeliveryWorkerOptions.forwarding) */
  forwarding?: ReportDeps['forwarding'];
}

const quiet: DeliveryLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Operating the outbound queue (what postqueue/postsuper do), for the CLI and the admin API.
 * Postgres rows are changed first (the source of truth), then the BullMQ job is added or
 * removed at once. Errors are StoreError: `not_found` for an unknown id, `conflict` for an
 * entry that cannot take the action in its state (finished, or being attempted right now).
 *
 *   new QueueService({ store, config, queue: new DeliveryQueue(redis) })
 */
export class QueueService {
  private readonly log: DeliveryLogger;

  constructor(private readonly options: QueueServiceOptions) {
    this.log = options.log ?? quiet;
  }

  /** Entries filtered by state, destination domain, sender and age, oldest id first. */
  list(query: QueueListQuery = {}): Promise<OutboundSummary[]> {
    const createdBefore = query.olderThanMs !== undefined ? new Date(Date.now() - query.olderThanMs) : undefined;
    return this.options.store.outbound.list({ status: query.status, domain: query.domain, sender: query.sender, createdBefore }, query.limit ?? 200);
  }

  /** One entry with its recipients (status, code, remote reply) and its attempt log (one line per try). */
  show(id: bigint): Promise<OutboundDetail | null> {
    return this.options.store.outbound.show(id);
  }

  /** Makes a queued, deferred or failed entry due now and enqueues its job at once. */
  async retry(id: bigint): Promise<void> {
    await this.options.store.outbound.retryNow(id);
    await this.options.queue?.enqueue([id]);
  }

  /** Makes every waiting entry for a destination domain due now and enqueues them; returns how many. */
  async retryDomain(domain: string): Promise<number> {
    const ids = await this.options.store.outbound.retryDomain(domain);
    await this.options.queue?.enqueue(ids);
    return ids.length;
  }

  /** Deletes an entry without delivering or bouncing it (a running attempt finds its row gone). */
  async delete(id: bigint): Promise<void> {
    await this.options.store.outbound.remove(id);
    await this.options.queue?.remove(id);
  }

  /**
   * Bounces a waiting entry now: every recipient not yet delivered fails with 5.0.0, the sender
   * gets one RFC 3464 DSN listing them (none for <>; list traffic counts member bounces
   * instead), and the entry is finished as failed. Returns how many recipients were bounced.
   */
  async bounce(id: bigint, reason = 'returned to the sender by the mail administrator'): Promise<number> {
    const { store, config, queue } = this.options;
    const row = await store.outbound.claimForBounce(id, DEFAULT_LEASE_MS);
    if (!row) {
      const existing = await store.outbound.show(id);
      if (!existing) throw new StoreError('not_found', `queue entry ${id} not found`);
      throw new StoreError('conflict', existing.status === 'sending' ? `queue entry ${id} is being delivered right now` : `queue entry ${id} is already ${existing.status}`);
    }
    await queue?.remove(id);
    const text = `5.0.0 ${reason}`;
    const waiting = row.recipients.filter((r) => r.status === 'pending' || r.status === 'deferred');
    const failed: FailedRecipient[] = waiting.map((r) => ({ reply: { address: r.address, outcome: 'failed', code: null, text }, orcpt: r.orcpt, notify: r.notify, expired: false }));
    try {
      await reportFailures(row, failed, null, { store, config, log: this.log, enqueue: async (ids) => queue?.enqueue(ids), forwarding: this.options.forwarding });
    } catch (error) {
      this.log.error({ err: error, outboundId: String(id) }, 'could not store the bounce');
    }
    const updates: RecipientResult[] = waiting.map((r) => ({ id: r.id, status: 'failed', smtpCode: null, response: text }));
    await store.outbound.finishAttempt(id, { host: null, result: 'failed', response: `bounced: ${reason}` }, updates, { status: 'failed', lastError: `bounced: ${reason}` });
    return waiting.length;
  }

  /** Stops delivery to a destination domain: its entries stay queued and are not attempted. */
  async pauseDomain(domain: string, reason: string | null = null): Promise<void> {
    await this.options.store.outbound.pauseDomain(domain, reason);
  }

  /** Resumes a paused domain and enqueues its due entries at once; returns how many were enqueued. */
  async resumeDomain(domain: string): Promise<number> {
    const { store, queue } = this.options;
    if (!(await store.outbound.resumeDomain(domain))) throw new StoreError('not_found', `domain ${domain.toLowerCase()} is not paused`);
    const ids = await store.outbound.dueIds(new Date(), 100_000, domain);
    await queue?.enqueue(ids);
    return ids.length;
  }

  pausedDomains(): Promise<{ domain: string; pausedAt: Date; reason: string | null }[]> {
    return this.options.store.outbound.pausedDomains();
  }

  /** Queued, sending, deferred, delivered and bounced counters (rows and recipients) from Postgres. */
  async stats(): Promise<QueueStats> {
    const { store } = this.options;
    const [rows, recipients, paused] = await Promise.all([store.outbound.countByStatus(), store.outbound.recipientCountByStatus(), store.outbound.pausedDomains()]);
    const row = (s: OutboundStatus) => rows.find((r) => r.status === s)?.count ?? 0;
    const rcpt = (s: RecipientStatus) => recipients.find((r) => r.status === s)?.count ?? 0;
    return {
      queued: row('queued'),
      sending: row('sending'),
      deferred: row('deferred'),
      delivered: row('delivered'),
      bounced: row('failed'),
      recipients: { pending: rcpt('pending'), deferred: rcpt('deferred'), delivered: rcpt('delivered'), failed: rcpt('failed') },
      pausedDomains: paused.map((p) => p.domain),
    };
  }
}
