import type { Store } from '@mailstead/store';
import { scopeDomainNames, type AdminScope } from './admin-scope';

const HOUR = 3600_000;
/** 7 days of hourly buckets. */
const BUCKETS = 7 * 24;

/**
 * The dashboard's figures (libs/contracts adminStatsDto), for every domain or a domain admin's
 * own: counts, today's traffic, hourly traffic of the last 7 days. Hours and "today" are UTC.
 */
export class StatsService {
  constructor(private readonly store: Store) {}

  async stats(scope: AdminScope, now = Date.now()) {
    const thisHour = Math.floor(now / HOUR) * HOUR;
    const since = new Date(thisHour - (BUCKETS - 1) * HOUR);
    const todayStart = new Date(Math.floor(now / (24 * HOUR)) * 24 * HOUR);
    const s = await this.store.admin.stats({ domainIds: scope.domainIds, domains: scopeDomainNames(scope), since });
    const buckets = Array.from({ length: BUCKETS }, (_, i) => ({ at: new Date(since.getTime() + i * HOUR).toISOString(), in: 0, out: 0 }));
    const slot = (at: Date) => Math.floor((at.getTime() - since.getTime()) / HOUR);
    for (const r of s.inByHour) if (buckets[slot(r.at)]) buckets[slot(r.at)]!.in += r.count;
    for (const r of s.outByHour) if (buckets[slot(r.at)]) buckets[slot(r.at)]!.out += r.count;
    const today = (rows: { at: Date; count: number }[]) => rows.filter((r) => r.at >= todayStart).reduce((n, r) => n + r.count, 0);
    return {
      domains: s.domains,
      users: s.users,
      messagesToday: { in: today(s.inByHour), out: today(s.outByHour) },
      queue: { queued: s.queue.queued + s.queue.sending, deferred: s.queue.deferred, failed: s.queue.failed },
      storageBytes: s.storageBytes,
      traffic: buckets,
      topSenders: s.topSenders,
      topRecipients: s.topRecipients,
    };
  }
}
