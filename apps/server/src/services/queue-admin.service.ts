import type { QueueService } from '@mailstead/delivery';
import { StoreError, type AdminPage, type OutboundStatus, type Store } from '@mailstead/store';
import { audit, requireFullAdmin, scopeDomainNames, type AdminScope } from './admin-scope';
import { conflict, notFound } from './service-error';

/** Most entries one bulk action touches. */
export const BULK_LIMIT = 10_000;

export interface QueueFilter {
  status?: OutboundStatus;
  /** Destination domain (exact). */
  domain?: string;
  /** Envelope sender (substring in lists, exact in bulk actions). */
  sender?: string;
  olderThanHours?: number;
}

type QueueRow = Awaited<ReturnType<Store['admin']['queue']>>['rows'][number];

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000);

/**
 * The outbound queue as administrators operate it, for the admin API and the CLI: a domain
 * admin sees and acts on the entries sent from their domains; pausing a destination domain is
 * server-wide (administrators only). The actions themselves are libs/delivery's QueueService
 * (Postgres first, then the BullMQ job); this adds the scope, the state checks and the audit log.
 */
export class QueueAdminService {
  constructor(
    private readonly store: Store,
    /** The QueueService on the caller's delivery queue (asked for at each use: tests swap the queue). */
    private readonly queue: () => QueueService,
  ) {}

  list(scope: AdminScope, page: Omit<AdminPage, 'domainIds' | 'ids'> & { ids?: bigint[] }, filter: QueueFilter = {}) {
    return this.store.admin.queue({
      ...page,
      status: filter.status,
      domain: filter.domain,
      sender: filter.sender,
      createdBefore: filter.olderThanHours !== undefined ? hoursAgo(filter.olderThanHours) : undefined,
      domains: scopeDomainNames(scope),
    });
  }

  async get(scope: AdminScope, id: bigint): Promise<QueueRow> {
    const { rows } = await this.store.admin.queue({ offset: 0, limit: 1, sort: 'id', order: 'asc', ids: [id], domains: scopeDomainNames(scope) });
    if (!rows[0]) throw notFound(`queue entry ${id}`);
    return rows[0];
  }

  /** The entry with its recipients and attempt log (host, result, the remote's reply). */
  async detail(scope: AdminScope, id: bigint) {
    await this.get(scope, id);
    const detail = await this.store.outbound.show(id);
    if (!detail) throw notFound(`queue entry ${id}`);
    return detail;
  }

  /** Makes a queued, deferred or failed entry due now and puts it on the delivery queue at once. */
  async retry(scope: AdminScope, id: bigint): Promise<QueueRow> {
    const entry = await this.get(scope, id);
    if (entry.status === 'delivered' || entry.status === 'sending') throw conflict(`queue entry ${id} is ${entry.status}`);
    await this.queue().retry(entry.id);
    await audit(this.store, scope, 'queue.retry', entry.domain, { id: String(id) });
    return entry;
  }

  /** Every waiting entry for a destination domain due now; answers how many. */
  async retryDomain(scope: AdminScope, domain: string): Promise<number> {
    requireFullAdmin(scope);
    const count = await this.queue().retryDomain(domain);
    await audit(this.store, scope, 'queue.retry-domain', domain.trim().toLowerCase(), { count });
    return count;
  }

  /** Gives up on a waiting entry now: its recipients fail and the sender gets a DSN. Answers how many recipients. */
  async bounce(scope: AdminScope, id: bigint, reason?: string): Promise<number> {
    const entry = await this.get(scope, id);
    // QueueService says why an entry cannot be bounced (already finished, being delivered): a conflict.
    const count = await this.queue().bounce(entry.id, reason ?? `returned to the sender by an administrator (${scope.actor})`);
    await audit(this.store, scope, 'queue.bounce', entry.domain, { id: String(id), sender: entry.sender, recipients: count });
    return count;
  }

  /** Deletes an entry without delivering or bouncing it (a running attempt finds its row gone). */
  async delete(scope: AdminScope, id: bigint): Promise<QueueRow> {
    const entry = await this.get(scope, id);
    await this.queue().delete(entry.id);
    await audit(this.store, scope, 'queue.delete', entry.domain, { id: String(id) });
    return entry;
  }

  /**
   * One action on a selection or on everything a filter matches (at most BULK_LIMIT entries),
   * always within the caller's sender domains. Entries that changed meanwhile count as failed.
   */
  async bulk(scope: AdminScope, action: 'retry' | 'delete' | 'bounce', selection: { ids?: bigint[]; filter?: QueueFilter }): Promise<{ matched: number; done: number; failed: number }> {
    const f = selection.filter;
    const ids = await this.store.admin.queueIds({
      ids: selection.ids,
      status: f?.status ? [f.status] : action === 'retry' ? ['queued', 'deferred', 'failed'] : action === 'bounce' ? ['queued', 'deferred'] : undefined,
      domain: f?.domain,
      sender: f?.sender,
      createdBefore: f?.olderThanHours !== undefined ? hoursAgo(f.olderThanHours) : undefined,
      senderDomains: scopeDomainNames(scope),
      limit: BULK_LIMIT,
    });
    let done = 0;
    for (const id of ids) {
      try {
        if (action === 'retry') await this.queue().retry(id);
        else if (action === 'delete') await this.queue().delete(id);
        else if (!(await this.bounceWaiting(scope, id))) continue;
        done += 1;
      } catch {
        // a row that changed meanwhile (delivered, deleted): counted as failed
      }
    }
    await audit(this.store, scope, `queue.bulk.${action}`, f?.domain ?? null, { filter: f ?? null, ids: selection.ids?.length ?? null, matched: ids.length, done });
    return { matched: ids.length, done, failed: ids.length - done };
  }

  /** Destination domains whose delivery is paused (their entries are not attempted). */
  paused(_scope: AdminScope) {
    return this.queue().pausedDomains();
  }

  async pause(scope: AdminScope, domain: string, reason: string | null): Promise<void> {
    requireFullAdmin(scope);
    await this.queue().pauseDomain(domain, reason);
    await audit(this.store, scope, 'queue.pause', domain.trim().toLowerCase(), { reason });
  }

  /** Resumes a paused domain; its due entries go on the delivery queue at once. Answers how many. */
  async resume(scope: AdminScope, domain: string): Promise<number> {
    requireFullAdmin(scope);
    const enqueued = await this.queue().resumeDomain(domain);
    await audit(this.store, scope, 'queue.resume', domain.trim().toLowerCase(), { enqueued });
    return enqueued;
  }

  /** false when the entry is finished or being attempted right now. */
  private async bounceWaiting(scope: AdminScope, id: bigint): Promise<boolean> {
    try {
      await this.queue().bounce(id, `returned to the sender by an administrator (${scope.actor})`);
      return true;
    } catch (error) {
      if (error instanceof StoreError && error.code === 'conflict') return false;
      throw error;
    }
  }
}
