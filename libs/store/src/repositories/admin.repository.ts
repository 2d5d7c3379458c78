import type { Db } from '../prisma';
import type { AccountRole, OutboundStatus } from '../generated/prisma/client';
import { notFound } from '../errors';
import { addressKey } from '../address';

export interface AdminPage {
  offset: number;
  limit: number;
  sort: string;
  order: 'asc' | 'desc';
  /** Free-text filter ("q"), matched case-insensitively against the resource's main text. */
  q?: string;
  ids?: number[];
  /** Only rows of these domains; undefined = every domain (admin). */
  domainIds?: number[];
}

/** How many bytes of a held post the moderation list reads (enough for the header and a preview). */
const MODERATION_HEAD_BYTES = 16_384;

export interface ModerationRow {
  id: number;
  sender: string;
  status: 'pending' | 'approved' | 'rejected';
  reason: string | null;
  createdAt: Date;
  size: number;
  /** the first bytes of the message */
  head: Buffer;
}

export interface AdminStatsRow {
  domains: number;
  users: number;
  storageBytes: number;
  queue: Record<'queued' | 'sending' | 'deferred' | 'failed' | 'delivered', number>;
  /** Hour buckets (start of the hour) that had traffic since `since`. */
  inByHour: { at: Date; count: number }[];
  outByHour: { at: Date; count: number }[];
  topSenders: { address: string; count: number }[];
  topRecipients: { address: string; count: number }[];
}

export interface Paged<T> {
  rows: T[];
  total: number;
}

const userInclude = { domain: { select: { name: true } }, _count: { select: { appPasswords: true } } } as const;

const pick = (allowed: readonly string[], sort: string, fallback: string) => (allowed.includes(sort) ? sort : fallback);

/** Paged, domain-scoped reads and small updates behind the admin console (react-admin). */
export class AdminRepository {
  constructor(private readonly db: Db) {}

  /** The domain ids an account administers (every domain for role admin). */
  async managedDomains(accountId: number, role: AccountRole): Promise<{ id: number; name: string }[]> {
    if (role === 'admin') return this.db.domain.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } });
    if (role !== 'domain_admin') return [];
    const rows = await this.db.domainAdmin.findMany({ where: { accountId }, select: { domain: { select: { id: true, name: true } } } });
    return rows.map((r) => r.domain).sort((a, b) => a.name.localeCompare(b.name));
  }

  async addDomainAdmin(accountId: number, domainId: number): Promise<void> {
    await this.db.domainAdmin.upsert({ where: { accountId_domainId: { accountId, domainId } }, create: { accountId, domainId }, update: {} });
  }

  /** Ends an account's administration of a domain; false when it had none. */
  async removeDomainAdmin(accountId: number, domainId: number): Promise<boolean> {
    const { count } = await this.db.domainAdmin.deleteMany({ where: { accountId, domainId } });
    return count > 0;
  }

  async domains(p: AdminPage) {
    const where = {
      ...(p.domainIds ? { id: { in: p.domainIds } } : {}),
      ...(p.ids ? { id: { in: p.domainIds ? p.ids.filter((i) => p.domainIds!.includes(i)) : p.ids } } : {}),
      ...(p.q ? { name: { contains: p.q.toLowerCase() } } : {}),
    };
    const sort = pick(['id', 'name', 'enabled', 'createdAt'], p.sort, 'name');
    const [rows, total] = await Promise.all([
      this.db.domain.findMany({
        where,
        orderBy: { [sort]: p.order },
        skip: p.offset,
        take: p.limit,
        include: { _count: { select: { accounts: true, aliases: true, mailingLists: true } } },
      }),
      this.db.domain.count({ where }),
    ]);
    return { rows, total };
  }

  domain(id: number) {
    return this.db.domain.findUnique({ where: { id }, include: { _count: { select: { accounts: true, aliases: true, mailingLists: true } } } });
  }

  async setDomainEnabled(id: number, enabled: boolean): Promise<void> {
    await this.updateDomain(id, { enabled });
  }

  /** Domain settings: enabled, and whether its users must enrol a TOTP second factor. */
  async updateDomain(id: number, data: { enabled?: boolean; requireTotp?: boolean }): Promise<void> {
    const { count } = await this.db.domain.updateMany({ where: { id }, data });
    if (count === 0) throw notFound('domain');
  }

  async users(p: AdminPage) {
    const where = {
      ...(p.domainIds ? { domainId: { in: p.domainIds } } : {}),
      ...(p.ids ? { id: { in: p.ids } } : {}),
      ...(p.q ? { addressKey: { contains: p.q.toLowerCase() } } : {}),
    };
    const sort = pick(['id', 'address', 'role', 'enabled', 'quotaBytes', 'usedBytes', 'createdAt'], p.sort, 'address');
    const orderBy = sort === 'address' ? { addressKey: p.order } : { [sort]: p.order };
    const [rows, total] = await Promise.all([
      this.db.account.findMany({ where, orderBy, skip: p.offset, take: p.limit, include: userInclude }),
      this.db.account.count({ where }),
    ]);
    return { rows, total };
  }

  user(id: number) {
    return this.db.account.findUnique({ where: { id }, include: userInclude });
  }

  /** What deleting an account removes: its mailboxes and messages (counted for the confirmation). */
  async userMailCount(id: number): Promise<{ mailboxes: number; messages: number }> {
    const [mailboxes, messages] = await Promise.all([
      this.db.mailbox.count({ where: { accountId: id } }),
      this.db.message.count({ where: { mailbox: { accountId: id } } }),
    ]);
    return { mailboxes, messages };
  }

  async updateUser(id: number, data: { displayName?: string | null; role?: AccountRole; enabled?: boolean; quotaBytes?: bigint; passwordHash?: string }): Promise<void> {
    const { count } = await this.db.account.updateMany({ where: { id }, data });
    if (count === 0) throw notFound('user');
  }

  async aliases(p: AdminPage) {
    const where = {
      ...(p.domainIds ? { domainId: { in: p.domainIds } } : {}),
      ...(p.ids ? { id: { in: p.ids } } : {}),
      ...(p.q ? { source: { contains: p.q.toLowerCase() } } : {}),
    };
    const sort = pick(['id', 'source', 'enabled', 'createdAt'], p.sort, 'source');
    const [rows, total] = await Promise.all([
      this.db.alias.findMany({ where, orderBy: { [sort]: p.order }, skip: p.offset, take: p.limit }),
      this.db.alias.count({ where }),
    ]);
    return { rows, total };
  }

  alias(id: number) {
    return this.db.alias.findUnique({ where: { id } });
  }

  async updateAlias(id: number, data: { destinations?: string[]; enabled?: boolean }): Promise<void> {
    const { count } = await this.db.alias.updateMany({ where: { id }, data });
    if (count === 0) throw notFound('alias');
  }

  async lists(p: AdminPage) {
    const where = {
      ...(p.domainIds ? { domainId: { in: p.domainIds } } : {}),
      ...(p.ids ? { id: { in: p.ids } } : {}),
      ...(p.q ? { address: { contains: p.q.toLowerCase() } } : {}),
    };
    const sort = pick(['id', 'address', 'name', 'policy', 'createdAt'], p.sort, 'address');
    const [rows, total] = await Promise.all([
      this.db.mailingList.findMany({ where, orderBy: { [sort]: p.order }, skip: p.offset, take: p.limit, include: { members: { orderBy: { address: 'asc' } } } }),
      this.db.mailingList.count({ where }),
    ]);
    return { rows, total };
  }

  list(id: number) {
    return this.db.mailingList.findUnique({ where: { id }, include: { members: { orderBy: { address: 'asc' } } } });
  }

  async updateList(
    id: number,
    data: { name?: string; policy?: 'open' | 'members' | 'moderated'; replyTo?: 'list' | 'sender'; subjectPrefix?: string | null },
    members?: string[],
  ): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const { count } = await tx.mailingList.updateMany({ where: { id }, data });
      if (count === 0) throw notFound('list');
      if (members) {
        // Members who stay keep their row (name, bounce count, disabled state); only the
        // removed ones are deleted and only the new ones inserted.
        const unique = [...new Set(members.map((m) => addressKey(m)))];
        await tx.listMember.deleteMany({ where: { listId: id, ...(unique.length > 0 ? { address: { notIn: unique } } : {}) } });
        if (unique.length > 0) await tx.listMember.createMany({ data: unique.map((address) => ({ listId: id, address })), skipDuplicates: true });
      }
    });
  }

  async removeList(id: number): Promise<void> {
    const { count } = await this.db.mailingList.deleteMany({ where: { id } });
    if (count === 0) throw notFound('list');
  }

  /** Outbound rows; a domain admin sees the rows whose sender is in one of their domains. */
  async queue(p: Omit<AdminPage, 'domainIds' | 'ids'> & { domains?: string[]; status?: OutboundStatus; ids?: bigint[]; domain?: string; sender?: string; createdBefore?: Date }) {
    const where = {
      ...(p.domains ? { OR: p.domains.map((d) => ({ sender: { endsWith: `@${d}`, mode: 'insensitive' as const } })) } : {}),
      ...(p.status ? { status: p.status } : {}),
      ...(p.ids ? { id: { in: p.ids } } : {}),
      ...(p.q ? { domain: { contains: p.q.toLowerCase() } } : {}),
      ...(p.domain ? { domain: p.domain.toLowerCase() } : {}),
      ...(p.sender !== undefined ? { sender: { contains: p.sender, mode: 'insensitive' as const } } : {}),
      ...(p.createdBefore ? { createdAt: { lt: p.createdBefore } } : {}),
    };
    const sort = pick(['id', 'domain', 'sender', 'status', 'attempts', 'nextAttemptAt', 'createdAt'], p.sort, 'id');
    const [rows, total] = await Promise.all([
      this.db.outbound.findMany({
        where,
        orderBy: { [sort]: p.order },
        skip: p.offset,
        take: p.limit,
        include: { recipients: { select: { address: true, status: true, response: true } } },
      }),
      this.db.outbound.count({ where }),
    ]);
    return { rows, total };
  }

  /** Audit entries; a domain admin sees entries whose target is one of their domains or an address in them. */
  async audit(p: Omit<AdminPage, 'domainIds' | 'ids'> & { domains?: string[] }) {
    const where = {
      ...(p.domains ? { OR: p.domains.flatMap((d) => [{ target: d }, { target: { endsWith: `@${d}` } }]) } : {}),
      ...(p.q ? { action: { contains: p.q } } : {}),
    };
    const sort = pick(['id', 'at', 'actor', 'action'], p.sort, 'id');
    const [rows, total] = await Promise.all([
      this.db.auditLog.findMany({ where, orderBy: { [sort]: p.order }, skip: p.offset, take: p.limit }),
      this.db.auditLog.count({ where }),
    ]);
    return { rows, total };
  }
  /** Held posts of one list (newest last) with the first bytes of each message for subject and preview. */
  async moderationItems(listId: number, status?: 'pending' | 'approved' | 'rejected'): Promise<ModerationRow[]> {
    const rows = await this.db.$queryRawUnsafe<{ id: number; sender: string; status: 'pending' | 'approved' | 'rejected'; reason: string | null; created_at: Date; size: number; head: Uint8Array }[]>(
      `SELECT m.id, m.sender, m.status::text AS status, m.reason, m.created_at, b.size, substring(b.data from 1 for ${MODERATION_HEAD_BYTES}) AS head
         FROM moderation_item m JOIN blob b ON b.id = m.blob_id
        WHERE m.list_id = $1 AND ($2::text IS NULL OR m.status::text = $2)
        ORDER BY m.id ASC LIMIT 500`,
      listId,
      status ?? null,
    );
    return rows.map((r) => ({ id: r.id, sender: r.sender, status: r.status, reason: r.reason, createdAt: r.created_at, size: r.size, head: Buffer.from(r.head) }));
  }

  /** One held post with its full bytes, or null. */
  async moderationItem(id: number): Promise<(Omit<ModerationRow, 'head'> & { listId: number; raw: Buffer }) | null> {
    const row = await this.db.moderationItem.findUnique({ where: { id }, include: { blob: { select: { size: true, data: true } } } });
    if (!row) return null;
    return { id: row.id, listId: row.listId, sender: row.sender, status: row.status, reason: row.reason, createdAt: row.createdAt, size: row.blob.size, raw: Buffer.from(row.blob.data) };
  }

  /**
   * Queue rows a bulk action applies to: explicit ids, or a filter (status, destination domain,
   * sender, queued before an instant), always within the caller's sender domains; at most `limit`.
   */
  async queueIds(p: { ids?: bigint[]; status?: OutboundStatus[]; domain?: string; sender?: string; createdBefore?: Date; senderDomains?: string[]; limit: number }): Promise<bigint[]> {
    const rows = await this.db.outbound.findMany({
      where: {
        ...(p.ids ? { id: { in: p.ids } } : {}),
        ...(p.status ? { status: { in: p.status } } : {}),
        ...(p.domain ? { domain: p.domain.toLowerCase() } : {}),
        ...(p.sender !== undefined ? { sender: { equals: p.sender, mode: 'insensitive' as const } } : {}),
        ...(p.createdBefore ? { createdAt: { lt: p.createdBefore } } : {}),
        ...(p.senderDomains ? { OR: p.senderDomains.map((d) => ({ sender: { endsWith: `@${d}`, mode: 'insensitive' as const } })) } : {}),
      },
      orderBy: { id: 'asc' },
      take: p.limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /**
   * Dashboard figures, for every domain or only the given ones: counts, today's traffic, hourly
   * traffic of the last 7 days, top senders (outbound envelope senders) and top recipients
   * (accounts that received the most messages). "In" counts messages stored in mailboxes other
   * than Sent and Drafts; "out" counts outbound recipients.
   */
  async stats(p: { domainIds?: number[]; domains?: string[]; since: Date }): Promise<AdminStatsRow> {
    const scoped = p.domainIds !== undefined;
    const ids = p.domainIds ?? [];
    const names = (p.domains ?? []).map((d) => `%@${d.toLowerCase()}`);
    const accountWhere = scoped ? { domainId: { in: ids } } : {};
    const inboundSql = `FROM message m JOIN mailbox mb ON mb.id = m.mailbox_id JOIN account a ON a.id = mb.account_id
      WHERE m.created_at >= $1 AND (mb.special_use IS NULL OR mb.special_use NOT IN ('\\Sent', '\\Drafts'))
        AND ($2::boolean = false OR a.domain_id = ANY($3::int[]))`;
    const outboundSql = `FROM outbound o JOIN outbound_recipient r ON r.outbound_id = o.id
      WHERE o.created_at >= $1 AND ($2::boolean = false OR lower(o.sender) LIKE ANY($3::text[]))`;
    const [domains, users, storage, queue, inHours, outHours, topSenders, topRecipients] = await Promise.all([
      this.db.domain.count({ where: scoped ? { id: { in: ids } } : {} }),
      this.db.account.count({ where: accountWhere }),
      this.db.account.aggregate({ where: accountWhere, _sum: { usedBytes: true } }),
      this.db.outbound.groupBy({
        by: ['status'],
        where: scoped ? { OR: (p.domains ?? []).map((d) => ({ sender: { endsWith: `@${d}`, mode: 'insensitive' as const } })) } : {},
        _count: { _all: true },
      }),
      this.db.$queryRawUnsafe<{ at: Date; n: bigint }[]>(`SELECT date_trunc('hour', m.created_at) AS at, count(*) AS n ${inboundSql} GROUP BY 1`, p.since, scoped, ids),
      this.db.$queryRawUnsafe<{ at: Date; n: bigint }[]>(`SELECT date_trunc('hour', o.created_at) AS at, count(*) AS n ${outboundSql} GROUP BY 1`, p.since, scoped, names),
      this.db.$queryRawUnsafe<{ address: string; n: bigint }[]>(
        `SELECT lower(o.sender) AS address, count(*) AS n ${outboundSql} AND o.sender <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
        p.since,
        scoped,
        names,
      ),
      this.db.$queryRawUnsafe<{ address: string; n: bigint }[]>(`SELECT a.address, count(*) AS n ${inboundSql} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`, p.since, scoped, ids),
    ]);
    const count = (status: OutboundStatus) => queue.find((q) => q.status === status)?._count._all ?? 0;
    const hours = (rows: { at: Date; n: bigint }[]) => rows.map((r) => ({ at: r.at, count: Number(r.n) }));
    return {
      domains,
      users,
      storageBytes: Number(storage._sum.usedBytes ?? 0n),
      queue: { queued: count('queued'), sending: count('sending'), deferred: count('deferred'), failed: count('failed'), delivered: count('delivered') },
      inByHour: hours(inHours),
      outByHour: hours(outHours),
      topSenders: topSenders.map((r) => ({ address: r.address, count: Number(r.n) })),
      topRecipients: topRecipients.map((r) => ({ address: r.address, count: Number(r.n) })),
    };
  }
}
