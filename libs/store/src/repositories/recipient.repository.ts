import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Db } from '../prisma';
import type { ListPolicy, ListReplyTo } from '../generated/prisma/client';
import { addressKey, splitAddress } from '../address';
import { notFound, StoreError } from '../errors';

/** What one address is in our directory: an account, an alias (or catch-all), a list, or nothing. */
export interface AddressEntry {
  /** the key's domain when it is one of ours (enabled or not) */
  domain: { id: number; enabled: boolean } | null;
  account: {
    id: number;
    address: string;
    enabled: boolean;
    quotaBytes: bigint;
    usedBytes: bigint;
    /** messages in all its mailboxes, when the lookup asked for it (`messageCount: true`), else null */
    messageCount: number | null;
    domainEnabled: boolean;
    inboxId: number | null;
  } | null;
  alias: { destinations: string[]; enabled: boolean } | null;
  list: { id: number; address: string; name: string; policy: ListPolicy; replyTo: ListReplyTo; subjectPrefix: string | null } | null;
}

export interface ModerationRecord {
  id: number;
  listId: number;
  listAddress: string;
  sender: string;
  status: 'pending' | 'approved' | 'rejected';
  reason: string | null;
  createdAt: Date;
}

/**
 * The read side of recipient resolution (libs/pipeline's RecipientResolver) and the list
 * moderation queue. Lookups are by the lower-cased key, like every other address lookup.
 */
/**
 * Account (with its domain's state and its INBOX), alias and list under one key, in one
 * statement: RCPT resolution runs this once per address, so it is one round trip on `pg`
 * rather than five Prisma queries. $2: the key is a catch-all ("@domain"), which only an alias
 * has; $3: the key's domain; $4: also count the account's messages (the message quota is on),
 * a sub-select the CASE skips otherwise.
 */
const LOOKUP = {
  name: 'mailstead_recipient_lookup',
  text: `SELECT
    (SELECT json_build_object('id', id, 'enabled', enabled) FROM domain WHERE name = $3) AS domain,
    (SELECT json_build_object('id', a.id, 'address', a.address, 'enabled', a.enabled, 'quotaBytes', a.quota_bytes::text,
        'usedBytes', a.used_bytes::text, 'domainEnabled', d.enabled,
        'messageCount', CASE WHEN $4 THEN (SELECT COALESCE(sum(c.message_count), 0)::int FROM mailbox c WHERE c.account_id = a.id) END,
        'inboxId', (SELECT b.id FROM mailbox b WHERE b.account_id = a.id AND b.name = 'INBOX'))
      FROM account a JOIN domain d ON d.id = a.domain_id WHERE a.address_key = $1 AND NOT $2) AS account,
    (SELECT json_build_object('destinations', destinations, 'enabled', enabled) FROM alias WHERE source = $1) AS alias,
    (SELECT json_build_object('id', id, 'address', address, 'name', name, 'policy', policy, 'replyTo', reply_to, 'subjectPrefix', subject_prefix)
      FROM mailing_list WHERE address = $1 AND NOT $2) AS list`,
};

interface LookupRow {
  domain: AddressEntry['domain'];
  account: (Omit<NonNullable<AddressEntry['account']>, 'quotaBytes' | 'usedBytes'> & { quotaBytes: string; usedBytes: string }) | null;
  alias: AddressEntry['alias'];
  list: AddressEntry['list'];
}

/**
 * The read side of recipient resolution (libs/pipeline's RecipientResolver) and the list
 * moderation queue. Lookups are by the lower-cased key, like every other address lookup.
 */
export class RecipientRepository {
  constructor(
    private readonly db: Db,
    /** the pool under `db`, for the per-RCPT lookups (see LOOKUP) */
    private readonly pool: pg.Pool,
  ) {}

  /** The domain when it is one of ours (enabled or not), else null. */
  async localDomain(name: string): Promise<{ id: number; enabled: boolean } | null> {
    const { rows } = await this.pool.query<{ id: number; enabled: boolean }>({
      name: 'mailstead_local_domain',
      text: 'SELECT id, enabled FROM domain WHERE name = $1',
      values: [name.toLowerCase()],
    });
    return rows[0] ?? null;
  }

  /**
   * Account, alias and list under one key ("user@domain", or "@domain" for the catch-all alias).
   * With `messageCount`, the account comes with the number of messages it holds (SMTP's RCPT
   * check of the message quota), in the same statement.
   */
  async lookup(key: string, options: { messageCount?: boolean } = {}): Promise<AddressEntry> {
    const k = addressKey(key);
    const { rows } = await this.pool.query<LookupRow>({ ...LOOKUP, values: [k, k.startsWith('@'), k.slice(k.lastIndexOf('@') + 1), options.messageCount ?? false] });
    const { domain, account, alias, list } = rows[0]!;
    return {
      domain,
      account: account && { ...account, quotaBytes: BigInt(account.quotaBytes), usedBytes: BigInt(account.usedBytes) },
      alias,
      list,
    };
  }

  /** The account's mailbox named exactly `name` (plus-addressing folders), or its INBOX/special-use one. */
  async mailboxId(accountId: number, query: { name?: string; specialUse?: string }): Promise<number | null> {
    const row = query.specialUse
      ? await this.db.mailbox.findFirst({ where: { accountId, specialUse: query.specialUse }, select: { id: true }, orderBy: { id: 'asc' } })
      : await this.db.mailbox.findUnique({ where: { accountId_name: { accountId, name: query.name ?? 'INBOX' } }, select: { id: true } });
    return row?.id ?? null;
  }

  /** Members that get list mail (a member disabled by list bounce processing does not). */
  async listMembers(listId: number): Promise<string[]> {
    const rows = await this.db.listMember.findMany({ where: { listId, disabledAt: null }, select: { address: true }, orderBy: { address: 'asc' } });
    return rows.map((r) => r.address);
  }

  /** A list's address and name by id (the one-click unsubscribe page names the list). */
  listById(id: number): Promise<{ id: number; address: string; name: string } | null> {
    return this.db.mailingList.findUnique({ where: { id }, select: { id: true, address: true, name: true } });
  }

  /** Removes a member (RFC 8058 one-click unsubscribe); false when it was not, or no longer, a member. */
  async unsubscribe(listId: number, member: string): Promise<boolean> {
    const { count } = await this.db.listMember.deleteMany({ where: { listId, address: addressKey(member) } });
    return count > 0;
  }

  async isListMember(listId: number, address: string): Promise<boolean> {
    const row = await this.db.listMember.findUnique({ where: { listId_address: { listId, address: addressKey(address) } }, select: { listId: true } });
    return row !== null;
  }

  /** Lets an account send as `address` (MAIL FROM and From:), as AccountRepository.canSendAs checks. */
  async grantSender(accountId: number, address: string): Promise<void> {
    if (!splitAddress(address)) throw new StoreError('invalid', `"${address}" is not a valid address`);
    await this.db.senderGrant.upsert({
      where: { accountId_address: { accountId, address: addressKey(address) } },
      create: { accountId, address: addressKey(address) },
      update: {},
    });
  }

  async revokeSender(accountId: number, address: string): Promise<void> {
    const { count } = await this.db.senderGrant.deleteMany({ where: { accountId, address: addressKey(address) } });
    if (count === 0) throw notFound(`sender grant ${address}`);
  }

  async senderGrants(accountId: number): Promise<string[]> {
    const rows = await this.db.senderGrant.findMany({ where: { accountId }, select: { address: true }, orderBy: { address: 'asc' } });
    return rows.map((r) => r.address);
  }

  /**
   * Holds a post for the list's moderators. Idempotent for the same bytes: a client retrying
   * after a 451 does not queue the post twice (the blob is content-addressed).
   */
  async holdForModeration(listId: number, raw: Buffer, sender: string): Promise<number> {
    const blobId = createHash('sha256').update(raw).digest('hex');
    return this.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('INSERT INTO blob (id, size, data) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', blobId, raw.length, raw);
      const existing = await tx.moderationItem.findFirst({ where: { listId, blobId, status: 'pending' }, select: { id: true } });
      if (existing) return existing.id;
      const item = await tx.moderationItem.create({ data: { listId, blobId, sender }, select: { id: true } });
      return item.id;
    });
  }

  async moderationQueue(listAddress: string, status: 'pending' | 'approved' | 'rejected' = 'pending'): Promise<ModerationRecord[]> {
    const rows = await this.db.moderationItem.findMany({
      where: { status, list: { address: addressKey(listAddress) } },
      orderBy: { id: 'asc' },
      select: { id: true, listId: true, sender: true, status: true, reason: true, createdAt: true, list: { select: { address: true } } },
    });
    return rows.map(({ list, ...r }) => ({ ...r, listAddress: list.address }));
  }

  /**
   * Claims a pending post for approval (pending -> approved) and returns its bytes; only one
   * caller can claim an item. `releaseModeration` puts it back when distributing it failed.
   */
  async claimModeration(id: number): Promise<{ raw: Buffer; listId: number; listAddress: string; sender: string }> {
    const { count } = await this.db.moderationItem.updateMany({ where: { id, status: 'pending' }, data: { status: 'approved' } });
    if (count === 0) throw notFound(`pending moderation item ${id}`);
    const item = await this.db.moderationItem.findUnique({
      where: { id },
      select: { listId: true, sender: true, blob: { select: { data: true } }, list: { select: { address: true } } },
    });
    if (!item) throw notFound(`moderation item ${id}`);
    return { raw: Buffer.from(item.blob.data), listId: item.listId, listAddress: item.list.address, sender: item.sender };
  }

  async releaseModeration(id: number): Promise<void> {
    await this.db.moderationItem.updateMany({ where: { id, status: 'approved' }, data: { status: 'pending' } });
  }

  async rejectModeration(id: number, reason: string | null = null): Promise<void> {
    const { count } = await this.db.moderationItem.updateMany({ where: { id, status: 'pending' }, data: { status: 'rejected', reason } });
    if (count === 0) throw new StoreError('not_found', `pending moderation item ${id} not found`);
  }
}
