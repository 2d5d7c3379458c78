import type { Db } from '../prisma';

/**
 * QUOTA (RFC 9208) usage and STATUS=SIZE (RFC 8438). Storage usage is `account.used_bytes`,
 * which every append, copy and expunge keeps current in the same transaction; the limit is
 * `account.quota_bytes` (0 = unlimited). Message counts are the mailboxes' message_count.
 */

export interface AccountQuotaUsage {
  storageBytes: bigint;
  /** null when the account has no storage limit (quota_bytes = 0). */
  storageLimitBytes: bigint | null;
  messages: number;
}

export class ImapQuotaRepository {
  constructor(private readonly db: Db) {}

  /** STORAGE and MESSAGE usage of the account's one quota root; null for an unknown account. */
  async usage(accountId: number): Promise<AccountQuotaUsage | null> {
    const [row] = await this.db.$queryRawUnsafe<{ used: bigint; quota: bigint; messages: number }[]>(
      `SELECT a.used_bytes AS used, a.quota_bytes AS quota,
              COALESCE((SELECT sum(b.message_count) FROM mailbox b WHERE b.account_id = a.id), 0)::int AS messages
       FROM account a WHERE a.id = $1`,
      accountId,
    );
    if (!row) return null;
    return { storageBytes: row.used, storageLimitBytes: row.quota > 0n ? row.quota : null, messages: row.messages };
  }

  /** STATUS (SIZE): the mailbox's total RFC 5322 size in octets (RFC 8438 section 2); null if unknown. */
  async mailboxSize(mailboxId: number): Promise<bigint | null> {
    const [row] = await this.db.$queryRawUnsafe<{ size: bigint }[]>('SELECT total_size AS size FROM mailbox WHERE id = $1', mailboxId);
    return row ? row.size : null;
  }

  /**
   * Recomputes used_bytes from the messages actually stored (repairs drift after manual SQL or
   * a crash in older versions); returns the new value, or null for an unknown account.
   */
  async recount(accountId: number): Promise<bigint | null> {
    const [row] = await this.db.$queryRawUnsafe<{ used: bigint }[]>(
      `UPDATE account a SET used_bytes = COALESCE((SELECT sum(m.size) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.account_id = a.id), 0)
       WHERE a.id = $1 RETURNING a.used_bytes AS used`,
      accountId,
    );
    return row ? row.used : null;
  }
}
