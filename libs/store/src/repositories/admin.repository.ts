import type { Db } from '../prisma';
import type { AccountRole, OutboundStatus } from '../generated/prisma/client';
import { notFound } from '../errors';

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

export interface Paged<T> {
  rows: T[];
  total: number;
}

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
    const { count } = await this.db.domain.updateMany({ where: { id }, data: { enabled } });
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
      this.db.account.findMany({ where, orderBy, skip: p.offset, take: p.limit, include: { domain: { select: { name: true } } } }),
      this.db.account.count({ where }),
    ]);
    return { rows, total };
  }

  user(id: number) {
    return this.db.account.findUnique({ where: { id }, include: { domain: { select: { name: true } } } });
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
        await tx.listMember.deleteMany({ where: { listId: id } });
        const unique = [...new Set(members.map((m) => m.trim().toLowerCase()))];
        if (unique.length > 0) await tx.listMember.createMany({ data: unique.map((address) => ({ listId: id, address })) });
      }
    });
  }

  async removeList(id: number): Promise<void> {
    const { count } = await this.db.mailingList.deleteMany({ where: { id } });
    if (count === 0) throw notFound('list');
  }

  /** Outbound rows; a domain admin sees the rows whose sender is in one of their domains. */
  async queue(p: Omit<AdminPage, 'domainIds' | 'ids'> & { domains?: string[]; status?: OutboundStatus; ids?: bigint[] }) {
    const where = {
      ...(p.domains ? { OR: p.domains.map((d) => ({ sender: { endsWith: `@${d}`, mode: 'insensitive' as const } })) } : {}),
      ...(p.status ? { status: p.status } : {}),
      ...(p.ids ? { id: { in: p.ids } } : {}),
      ...(p.q ? { domain: { contains: p.q.toLowerCase() } } : {}),
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
}
