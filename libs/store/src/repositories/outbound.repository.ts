import type { Db } from '../prisma';
import type { OutboundStatus } from '../generated/prisma/client';
import { notFound } from '../errors';

export type { OutboundStatus };

export interface OutboundSummary {
  id: bigint;
  sender: string;
  domain: string;
  status: OutboundStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  recipients: { address: string; status: string; response: string | null }[];
}

/** The durable side of outbound delivery; libs/delivery's queue mirrors these rows. */
export class OutboundRepository {
  constructor(private readonly db: Db) {}

  list(filter: { status?: OutboundStatus; domain?: string } = {}, limit = 200): Promise<OutboundSummary[]> {
    return this.db.outbound.findMany({
      where: { status: filter.status, domain: filter.domain?.toLowerCase() },
      orderBy: { id: 'asc' },
      take: limit,
      select: {
        id: true, sender: true, domain: true, status: true, attempts: true, nextAttemptAt: true, lastError: true, createdAt: true,
        recipients: { select: { address: true, status: true, response: true } },
      },
    });
  }

  /** Makes a deferred or failed row due now. */
  async retryNow(id: bigint): Promise<void> {
    const { count } = await this.db.outbound.updateMany({ where: { id, status: { in: ['deferred', 'failed', 'queued'] } }, data: { status: 'queued', nextAttemptAt: new Date() } });
    if (count === 0) throw notFound(`queue entry ${id}`);
  }

  async remove(id: bigint): Promise<void> {
    const { count } = await this.db.outbound.deleteMany({ where: { id } });
    if (count === 0) throw notFound(`queue entry ${id}`);
  }

  countByStatus(): Promise<{ status: OutboundStatus; count: number }[]> {
    return this.db.outbound
      .groupBy({ by: ['status'], _count: { _all: true } })
      .then((rows) => rows.map((r) => ({ status: r.status, count: r._count._all })));
  }
}
