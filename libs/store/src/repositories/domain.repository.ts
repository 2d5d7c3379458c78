import type { Db } from '../prisma';
import { exists, isUniqueViolation, notFound, StoreError } from '../errors';
import { isValidDomainName } from '../address';

export interface DomainSummary {
  id: number;
  name: string;
  enabled: boolean;
  accounts: number;
  aliases: number;
  lists: number;
  createdAt: Date;
}

export class DomainRepository {
  constructor(private readonly db: Db) {}

  async create(name: string): Promise<{ id: number; name: string }> {
    const normalized = name.trim().toLowerCase();
    if (!isValidDomainName(normalized)) throw new StoreError('invalid', `"${name}" is not a valid domain name`);
    try {
      return await this.db.domain.create({ data: { name: normalized }, select: { id: true, name: true } });
    } catch (error) {
      if (isUniqueViolation(error)) throw exists(`domain ${normalized}`);
      throw error;
    }
  }

  findByName(name: string) {
    return this.db.domain.findUnique({ where: { name: name.trim().toLowerCase() } });
  }

  async list(): Promise<DomainSummary[]> {
    const rows = await this.db.domain.findMany({
      orderBy: { name: 'asc' },
      include: { _count: { select: { accounts: true, aliases: true, mailingLists: true } } },
    });
    return rows.map((d) => ({
      id: d.id,
      name: d.name,
      enabled: d.enabled,
      createdAt: d.createdAt,
      accounts: d._count.accounts,
      aliases: d._count.aliases,
      lists: d._count.mailingLists,
    }));
  }

  /** Removes the domain with its accounts, mailboxes, messages, aliases and lists. */
  async remove(name: string): Promise<void> {
    const domain = await this.findByName(name);
    if (!domain) throw notFound(`domain ${name}`);
    await this.db.domain.delete({ where: { id: domain.id } });
  }
}
