import type { Db, Tx } from '../prisma';
import { notFound } from '../errors';

/**
 * METADATA (RFC 5464) storage. Entry names arrive validated and lower-cased (libs/imap
 * ext/metadata.ts normalizeEntryName). Where an entry lives:
 * - mailbox entries (/private and /shared): mailbox_metadata, keyed by mailbox id, so they
 *   follow RENAME and go with DELETE (section 4.1);
 * - server /private entries (mailbox ""): account_metadata, per account;
 * - server /shared entries (mailbox ""): server_metadata, one value for everyone; only callers
 *   passing `canWriteSharedServer` (admins) may change them (section 3.3).
 */

export interface MetadataTarget {
  accountId: number;
  /** null for server entries (the empty mailbox name). */
  mailboxId: number | null;
}

export interface MetadataEntry {
  entry: string;
  value: Buffer;
}

export interface MetadataLimits {
  /** Largest value accepted, in octets (RFC 5464 section 4.1: at least 1024). */
  maxValueBytes: number;
  /** Most entries per mailbox, per account's server entries, and for shared server entries (at least 10). */
  maxEntries: number;
}

export type MetadataDepthOption = '0' | '1' | 'infinity';

/** Why SETMETADATA failed; the command maps it to `NO [METADATA MAXSIZE n]`, `NO [METADATA TOOMANY]` or plain NO. */
export class MetadataError extends Error {
  constructor(
    readonly kind: 'MAXSIZE' | 'TOOMANY' | 'READONLY',
    message: string,
    readonly max?: number,
  ) {
    super(message);
    this.name = 'MetadataError';
  }
}

type Scope = { table: 'mailbox_metadata'; key: 'mailbox_id'; id: number } | { table: 'account_metadata'; key: 'account_id'; id: number } | { table: 'server_metadata' };

const isPrivate = (entry: string) => entry === '/private' || entry.startsWith('/private/');

function scopeOf(target: MetadataTarget, entry: string): Scope {
  if (target.mailboxId !== null) return { table: 'mailbox_metadata', key: 'mailbox_id', id: target.mailboxId };
  return isPrivate(entry) ? { table: 'account_metadata', key: 'account_id', id: target.accountId } : { table: 'server_metadata' };
}

const scopeKey = (s: Scope) => (s.table === 'server_metadata' ? 'server' : `${s.table}:${s.id}`);
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function matches(specifier: string, entry: string, depth: MetadataDepthOption): boolean {
  if (entry === specifier) return true;
  if (depth === '0' || !entry.startsWith(`${specifier}/`)) return false;
  return depth === 'infinity' || !entry.slice(specifier.length + 1).includes('/');
}

export class ImapMetadataRepository {
  constructor(private readonly db: Db) {}

  private async assertMailbox(db: Db | Tx, target: MetadataTarget): Promise<void> {
    if (target.mailboxId === null) return;
    const rows = await db.$queryRawUnsafe<{ id: number }[]>('SELECT id FROM mailbox WHERE id = $1 AND account_id = $2', target.mailboxId, target.accountId);
    if (rows.length === 0) throw notFound(`mailbox ${target.mailboxId}`);
  }

  /**
   * GETMETADATA (RFC 5464 section 4.2): entries matching each specifier at `depth`, sorted by
   * name. With `maxSize`, larger values are left out and `longest` reports the biggest one
   * left out (for `OK [METADATA LONGENTRIES n]`, section 4.2.1).
   */
  async get(
    target: MetadataTarget,
    specifiers: readonly string[],
    options: { depth?: MetadataDepthOption; maxSize?: number } = {},
  ): Promise<{ entries: MetadataEntry[]; longest: number | null }> {
    await this.assertMailbox(this.db, target);
    const depth = options.depth ?? '0';
    const found = new Map<string, Buffer>();
    for (const specifier of specifiers) {
      const scope = scopeOf(target, specifier);
      const params: unknown[] = [specifier, `${likeEscape(specifier)}/%`];
      let where = '(entry = $1 OR ($3 AND entry LIKE $2))';
      params.push(depth !== '0');
      if (scope.table !== 'server_metadata') {
        params.push(scope.id);
        where += ` AND ${scope.key} = $4`;
      }
      const rows = await this.db.$queryRawUnsafe<{ entry: string; value: Buffer }[]>(`SELECT entry, value FROM ${scope.table} WHERE ${where}`, ...params);
      for (const row of rows) if (matches(specifier, row.entry, depth)) found.set(row.entry, Buffer.from(row.value));
    }
    let longest: number | null = null;
    const entries: MetadataEntry[] = [];
    for (const [entry, value] of [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (options.maxSize !== undefined && value.length > options.maxSize) longest = Math.max(longest ?? 0, value.length);
      else entries.push({ entry, value });
    }
    return { entries, longest };
  }

  /**
   * SETMETADATA (RFC 5464 section 4.3): sets (value) or removes (null) every entry, all or
   * nothing. Throws MetadataError MAXSIZE / TOOMANY / READONLY, or StoreError not_found for a
   * mailbox the account does not own. Concurrent writers to one scope are serialised by an
   * advisory lock so the entry-count limit holds.
   */
  async set(
    target: MetadataTarget,
    changes: readonly { entry: string; value: Buffer | null }[],
    limits: MetadataLimits,
    options: { canWriteSharedServer?: boolean } = {},
  ): Promise<void> {
    for (const change of changes) {
      if (change.value && change.value.length > limits.maxValueBytes) {
        throw new MetadataError('MAXSIZE', `value of ${change.entry} is larger than ${limits.maxValueBytes} octets`, limits.maxValueBytes);
      }
      if (scopeOf(target, change.entry).table === 'server_metadata' && !options.canWriteSharedServer) {
        throw new MetadataError('READONLY', 'shared server annotations are read-only');
      }
    }
    await this.db.$transaction(async (tx) => {
      await this.assertMailbox(tx, target);
      const scopes = new Map<string, Scope>();
      for (const change of changes) {
        const scope = scopeOf(target, change.entry);
        scopes.set(scopeKey(scope), scope);
      }
      const ordered = [...scopes.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      const before = new Map<string, number>();
      for (const [key, scope] of ordered) {
        await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(5464, hashtext($1))', key);
        before.set(key, await this.count(tx, scope));
      }
      for (const change of changes) {
        const scope = scopeOf(target, change.entry);
        const keyCols = scope.table === 'server_metadata' ? [] : [scope.key];
        const keyVals = scope.table === 'server_metadata' ? [] : [scope.id];
        if (change.value === null) {
          await tx.$executeRawUnsafe(
            `DELETE FROM ${scope.table} WHERE entry = $1 ${keyCols.map((c) => `AND ${c} = $2`).join('')}`,
            change.entry,
            ...keyVals,
          );
        } else {
          const cols = [...keyCols, 'entry', 'value', 'updated_at'];
          const vals = [...keyVals, change.entry, change.value];
          await tx.$executeRawUnsafe(
            `INSERT INTO ${scope.table} (${cols.join(', ')}) VALUES (${vals.map((_, i) => `$${i + 1}`).join(', ')}, now())
             ON CONFLICT (${[...keyCols, 'entry'].join(', ')}) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
            ...vals,
          );
        }
      }
      for (const [key, scope] of ordered) {
        const after = await this.count(tx, scope);
        if (after > limits.maxEntries && after > before.get(key)!) {
          throw new MetadataError('TOOMANY', `at most ${limits.maxEntries} annotations`, limits.maxEntries);
        }
      }
    });
  }

  /**
   * RENAME INBOX (RFC 5464 section 4.1): the new mailbox gets a copy of INBOX's annotations,
   * which INBOX keeps. Other renames need nothing: entries are keyed by mailbox id.
   */
  async copyMailboxEntries(fromMailboxId: number, toMailboxId: number): Promise<number> {
    return this.db.$executeRawUnsafe(
      `INSERT INTO mailbox_metadata (mailbox_id, entry, value, updated_at)
       SELECT $2, entry, value, now() FROM mailbox_metadata WHERE mailbox_id = $1
       ON CONFLICT (mailbox_id, entry) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      fromMailboxId,
      toMailboxId,
    );
  }

  private async count(tx: Tx, scope: Scope): Promise<number> {
    const [row] = await tx.$queryRawUnsafe<{ n: number }[]>(
      scope.table === 'server_metadata' ? 'SELECT count(*)::int AS n FROM server_metadata' : `SELECT count(*)::int AS n FROM ${scope.table} WHERE ${scope.key} = $1`,
      ...(scope.table === 'server_metadata' ? [] : [scope.id]),
    );
    return row?.n ?? 0;
  }
}
