import type { Db } from '../prisma';
import { addressKey, splitAddress } from '../address';
import { exists, isUniqueViolation, notFound, StoreError } from '../errors';

export interface AliasRecord {
  id: number;
  source: string;
  destinations: string[];
  enabled: boolean;
  createdAt: Date;
}

/** "@domain" is the domain's catch-all. */
export function parseAliasSource(source: string): { key: string; domain: string } | undefined {
  const s = source.trim().toLowerCase();
  if (s.startsWith('@')) {
    const parts = splitAddress(`x${s}`);
    return parts ? { key: `@${parts.domain}`, domain: parts.domain } : undefined;
  }
  const parts = splitAddress(s);
  return parts ? { key: addressKey(s), domain: parts.domain } : undefined;
}

export class AliasRepository {
  constructor(private readonly db: Db) {}

  async create(source: string, destinations: string[]): Promise<AliasRecord> {
    const parsed = parseAliasSource(source);
    if (!parsed) throw new StoreError('invalid', `"${source}" is not an address or @domain`);
    const targets = [...new Set(destinations.map((d) => d.trim()).filter(Boolean))];
    if (targets.length === 0) throw new StoreError('invalid', 'an alias needs at least one destination');
    for (const t of targets) if (!splitAddress(t)) throw new StoreError('invalid', `"${t}" is not a valid destination address`);
    try {
      return await this.db.$transaction(async (tx) => {
        const domain = await tx.domain.findUnique({ where: { name: parsed.domain } });
        if (!domain) throw notFound(`domain ${parsed.domain}`);
        if (await tx.account.findUnique({ where: { addressKey: parsed.key } })) throw exists(`${parsed.key} (as an account)`);
        if (await tx.mailingList.findUnique({ where: { address: parsed.key } })) throw exists(`${parsed.key} (as a list)`);
        return tx.alias.create({ data: { domainId: domain.id, source: parsed.key, destinations: targets } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw exists(`alias ${parsed.key}`);
      throw error;
    }
  }

  findBySource(source: string): Promise<AliasRecord | null> {
    const parsed = parseAliasSource(source);
    return parsed ? this.db.alias.findUnique({ where: { source: parsed.key } }) : Promise.resolve(null);
  }

  list(domain?: string): Promise<AliasRecord[]> {
    return this.db.alias.findMany({ where: domain ? { domain: { name: domain.toLowerCase() } } : {}, orderBy: { source: 'asc' } });
  }

  async remove(source: string): Promise<void> {
    const parsed = parseAliasSource(source);
    const { count } = parsed ? await this.db.alias.deleteMany({ where: { source: parsed.key } }) : { count: 0 };
    if (count === 0) throw notFound(`alias ${source}`);
  }
}
