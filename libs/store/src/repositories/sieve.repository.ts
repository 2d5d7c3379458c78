import type { Db } from '../prisma';

/** Where an admin script runs; `personal` is an account's own (ManageSieve) script. */
export type SieveScriptPlace = 'personal' | 'before' | 'after' | 'include';

export interface SieveScriptSummary {
  name: string;
  active: boolean;
  /** Octets of the script's UTF-8 text (RFC 5804 HAVESPACE counts octets). */
  size: number;
}

export interface SieveScriptRecord {
  id: number;
  name: string;
  content: string;
  active: boolean;
  version: number;
  reportedVersion: number | null;
  place: SieveScriptPlace;
  domainId: number | null;
}

/** An admin script's owner: one domain's, or global (`domainId: null`). */
export interface SieveAdminOwner {
  domainId: number | null;
}

/** The scripts a delivery to one account runs, and the account's own addresses. */
export interface SieveDeliveryScripts {
  domainId: number;
  addresses: string[];
  personal: SieveScriptRecord | null;
  before: SieveScriptRecord[];
  after: SieveScriptRecord[];
}

/** An admin script as the console lists it: its domain's name (null: global) and last change. */
export interface SieveAdminScriptRow extends SieveScriptRecord {
  domainName: string | null;
  updatedAt: Date;
}

export type SieveDeleteResult = 'deleted' | 'missing' | 'active';
export type SieveRenameResult = 'renamed' | 'missing' | 'exists';

const select = {
  id: true,
  name: true,
  content: true,
  active: true,
  version: true,
  reportedVersion: true,
  place: true,
  domainId: true,
} as const;

/**
 * Sieve scripts: an account's personal scripts (at most one active, RFC 5804) and the admin
 * scripts of a domain or of the whole server (run before/after the user's, or included).
 */
export class SieveRepository {
  constructor(private readonly db: Db) {}

  async list(accountId: number): Promise<SieveScriptSummary[]> {
    const rows = await this.db.sieveScript.findMany({
      where: { accountId, place: 'personal' },
      select: { name: true, active: true, content: true },
      orderBy: { name: 'asc' },
    });
    return rows.map((r) => ({ name: r.name, active: r.active, size: Buffer.byteLength(r.content, 'utf8') }));
  }

  get(accountId: number, name: string): Promise<SieveScriptRecord | null> {
    return this.db.sieveScript.findFirst({ where: { accountId, place: 'personal', name }, select });
  }

  /** The account's active script, or null when none is active. */
  active(accountId: number): Promise<SieveScriptRecord | null> {
    return this.db.sieveScript.findFirst({ where: { accountId, place: 'personal', active: true }, select });
  }

  /** Creates or replaces a script; a replaced script keeps its active state and gets a new version. */
  async put(accountId: number, name: string, content: string): Promise<SieveScriptRecord> {
    return this.db.$transaction(async (tx) => {
      const existing = await tx.sieveScript.findFirst({ where: { accountId, place: 'personal', name }, select: { id: true } });
      if (existing) {
        return tx.sieveScript.update({ where: { id: existing.id }, data: { content, version: { increment: 1 } }, select });
      }
      return tx.sieveScript.create({ data: { accountId, name, content, place: 'personal' }, select });
    });
  }

  /** Makes `name` the only active script, or deactivates all with null (RFC 5804 2.8). False when `name` does not exist. */
  async setActive(accountId: number, name: string | null): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      if (name !== null) {
        const target = await tx.sieveScript.findFirst({ where: { accountId, place: 'personal', name }, select: { id: true } });
        if (!target) return false;
        await tx.sieveScript.updateMany({ where: { accountId, place: 'personal', active: true, NOT: { id: target.id } }, data: { active: false } });
        await tx.sieveScript.update({ where: { id: target.id }, data: { active: true } });
        return true;
      }
      await tx.sieveScript.updateMany({ where: { accountId, place: 'personal', active: true }, data: { active: false } });
      return true;
    });
  }

  /** RFC 5804 2.10: the active script cannot be deleted. */
  async remove(accountId: number, name: string): Promise<SieveDeleteResult> {
    const row = await this.db.sieveScript.findFirst({ where: { accountId, place: 'personal', name }, select: { id: true, active: true } });
    if (!row) return 'missing';
    if (row.active) return 'active';
    await this.db.sieveScript.delete({ where: { id: row.id } });
    return 'deleted';
  }

  async rename(accountId: number, from: string, to: string): Promise<SieveRenameResult> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.sieveScript.findFirst({ where: { accountId, place: 'personal', name: from }, select: { id: true } });
      if (!row) return 'missing';
      if (from === to) return 'renamed';
      const clash = await tx.sieveScript.findFirst({ where: { accountId, place: 'personal', name: to }, select: { id: true } });
      if (clash) return 'exists';
      await tx.sieveScript.update({ where: { id: row.id }, data: { name: to } });
      return 'renamed';
    });
  }

  /** Records that the user was told about `version`'s error, so the next failure of the same version stays quiet. */
  async markReported(scriptId: number, version: number): Promise<boolean> {
    const { count } = await this.db.sieveScript.updateMany({
      where: { id: scriptId, version, OR: [{ reportedVersion: null }, { reportedVersion: { lt: version } }] },
      data: { reportedVersion: version },
    });
    return count === 1;
  }

  // --- delivery-time tracking (RFC 5230 vacation, RFC 7352 duplicate) ---

  /**
   * What a delivery to the account runs: its active script, its domain's and the global admin
   * scripts around it (as aroundUser orders them), and the addresses that are the user's own
   * (its address and the enabled aliases that deliver to it: vacation answers only mail sent to
   * one of them, RFC 5230 4.5). Null when the account is gone.
   */
  async forDelivery(accountId: number): Promise<SieveDeliveryScripts | null> {
    // One round trip for every local copy of every delivery: the account, the scripts that run
    // for it (its active one, the global and domain before/after ones) and, only when a script
    // runs, the addresses aliases deliver to it at (a catch-all, @domain, is no one's address).
    const [row] = await this.db.$queryRawUnsafe<{ domainId: number; address: string; scripts: SieveScriptRecord[] | null; aliases: string[] | null }[]>(
      `WITH a AS (SELECT id, domain_id, address, address_key FROM account WHERE id = $1),
            s AS (SELECT s.id, s.name, s.content, s.active, s.version, s.reported_version AS "reportedVersion", s.place::text AS place, s.domain_id AS "domainId"
                  FROM sieve_script s, a
                  WHERE (s.account_id = a.id AND s.place = 'personal' AND s.active)
                     OR (s.account_id IS NULL AND s.place IN ('before', 'after') AND (s.domain_id IS NULL OR s.domain_id = a.domain_id)))
       SELECT a.domain_id AS "domainId", a.address,
              (SELECT json_agg(s ORDER BY s.name) FROM s) AS scripts,
              CASE WHEN EXISTS (SELECT 1 FROM s) THEN
                (SELECT array_agg(al.source) FROM alias al WHERE al.enabled AND al.destinations && ARRAY[a.address, a.address_key] AND al.source NOT LIKE '@%')
              END AS aliases
       FROM a`,
      accountId,
    );
    if (!row) return null;
    const scripts = row.scripts ?? [];
    const pick = (place: SieveScriptPlace, domain: number | null) => scripts.filter((r) => r.place === place && r.domainId === domain);
    return {
      domainId: row.domainId,
      addresses: [row.address, ...(row.aliases ?? [])],
      personal: scripts.find((r) => r.place === 'personal') ?? null,
      before: [...pick('before', null), ...pick('before', row.domainId)],
      after: [...pick('after', row.domainId), ...pick('after', null)],
    };
  }

  /** Whether a delivered message recorded `key` for this account and the record has not expired (RFC 7352 3). */
  async duplicateSeen(accountId: number, key: string): Promise<boolean> {
    const row = await this.db.sieveDuplicate.findFirst({ where: { accountId, key, until: { gt: new Date() } }, select: { key: true } });
    return row !== null;
  }

  /**
   * Whether a vacation reply to `sender` under `handle` is still current (RFC 5230 4.2). Only a
   * shortcut for not building a reply: the delivery's VacationClaim decides atomically.
   */
  async vacationReplied(accountId: number, handle: string, sender: string): Promise<boolean> {
    const row = await this.db.sieveVacationReply.findFirst({ where: { accountId, handle, sender: sender.toLowerCase(), until: { gt: new Date() } }, select: { handle: true } });
    return row !== null;
  }

  /** Drops expired vacation and duplicate records; answers how many of each. */
  async pruneExpired(now = new Date()): Promise<{ vacation: number; duplicates: number }> {
    const [vacation, duplicates] = await this.db.$transaction([
      this.db.sieveVacationReply.deleteMany({ where: { until: { lte: now } } }),
      this.db.sieveDuplicate.deleteMany({ where: { until: { lte: now } } }),
    ]);
    return { vacation: vacation.count, duplicates: duplicates.count };
  }

  // --- admin scripts (global: domainId null) ---

  /**
   * The admin scripts that run around a user's script at delivery, in order: global before,
   * domain before, (the user's), domain after, global after; each group by name.
   */
  async aroundUser(domainId: number): Promise<{ before: SieveScriptRecord[]; after: SieveScriptRecord[] }> {
    const rows = await this.db.sieveScript.findMany({
      where: { accountId: null, place: { in: ['before', 'after'] }, OR: [{ domainId: null }, { domainId }] },
      select,
      orderBy: { name: 'asc' },
    });
    const pick = (place: SieveScriptPlace, domain: number | null) => rows.filter((r) => r.place === place && r.domainId === domain);
    return { before: [...pick('before', null), ...pick('before', domainId)], after: [...pick('after', domainId), ...pick('after', null)] };
  }

  /** A script for `include :global "name"` (RFC 6609 3.2): any global admin script by that name. */
  globalInclude(name: string): Promise<SieveScriptRecord | null> {
    return this.db.sieveScript.findFirst({ where: { accountId: null, domainId: null, name }, select, orderBy: { place: 'desc' } });
  }

  listAdmin(owner: SieveAdminOwner): Promise<SieveScriptRecord[]> {
    return this.db.sieveScript.findMany({ where: { accountId: null, domainId: owner.domainId }, select, orderBy: [{ place: 'asc' }, { name: 'asc' }] });
  }

  getAdmin(owner: SieveAdminOwner, name: string): Promise<SieveScriptRecord | null> {
    return this.db.sieveScript.findFirst({ where: { accountId: null, domainId: owner.domainId, name }, select });
  }

  /** Creates or replaces an admin script by name (one name per owner, whatever its place). */
  async putAdmin(owner: SieveAdminOwner, place: Exclude<SieveScriptPlace, 'personal'>, name: string, content: string): Promise<SieveScriptRecord> {
    return this.db.$transaction(async (tx) => {
      const existing = await tx.sieveScript.findFirst({ where: { accountId: null, domainId: owner.domainId, name }, select: { id: true } });
      if (existing) {
        return tx.sieveScript.update({ where: { id: existing.id }, data: { content, place, version: { increment: 1 } }, select });
      }
      return tx.sieveScript.create({ data: { domainId: owner.domainId, name, content, place, active: true }, select });
    });
  }

  async removeAdmin(owner: SieveAdminOwner, name: string): Promise<boolean> {
    const { count } = await this.db.sieveScript.deleteMany({ where: { accountId: null, domainId: owner.domainId, name } });
    return count > 0;
  }

  /** Every admin script of `domainIds` (undefined: every domain) and, with `global`, the server-wide ones, for the console. */
  async listAllAdmin(filter: { domainIds?: number[]; global: boolean }): Promise<SieveAdminScriptRow[]> {
    const domains = filter.domainIds ? { domainId: { in: filter.domainIds } } : { domainId: { not: null } };
    const rows = await this.db.sieveScript.findMany({
      where: { accountId: null, OR: filter.global ? [domains, { domainId: null }] : [domains] },
      select: adminRowSelect,
      orderBy: [{ place: 'asc' }, { name: 'asc' }],
    });
    return rows.map(adminRow);
  }

  adminById(id: number): Promise<SieveAdminScriptRow | null> {
    return this.db.sieveScript.findFirst({ where: { id, accountId: null }, select: adminRowSelect }).then((row) => (row ? adminRow(row) : null));
  }
}

const adminRowSelect = { ...select, updatedAt: true, domain: { select: { name: true } } } as const;

function adminRow({ domain, ...row }: SieveScriptRecord & { updatedAt: Date; domain: { name: string } | null }): SieveAdminScriptRow {
  return { ...row, domainName: domain?.name ?? null };
}
