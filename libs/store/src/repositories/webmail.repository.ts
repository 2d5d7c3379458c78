import type { Db } from '../prisma';
import type { SearchIndexRepository } from './search-index.repository';

/** One row of a webmail message list. */
export interface WebmailMessageRow {
  id: bigint;
  mailboxId: number;
  uid: number;
  threadId: bigint;
  subject: string;
  fromAddress: string;
  fromName: string;
  toAddresses: string;
  internalDate: Date;
  size: number;
  preview: string;
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  draft: boolean;
  deleted: boolean;
  keywords: string[];
  hasAttachments: boolean;
  threadSize?: number;
}

export type WebmailSort = 'date' | 'from' | 'subject' | 'size';

export interface WebmailListOptions {
  sort: WebmailSort;
  order: 'asc' | 'desc';
  limit: number;
  /** Keyset position: the sort value and id of the last row of the previous page. */
  after?: { value: string | number; id: bigint };  // date: ISO string
  unread?: boolean;
  flagged?: boolean;
  hasAttachment?: boolean;
  threads?: boolean;
}

export interface WebmailSearch {
  accountId: number;
  mailboxId?: number;
  /** Free text, matched against message.search_vector (Postgres full-text, 'simple' config). */
  text: string[];
  from: string[];
  to: string[];
  subject: string[];
  hasAttachment?: boolean;
  before?: Date;
  after?: Date;
  limit: number;
  cursor?: { date: Date; id: bigint };
  /**
   * Time budget (ms) for indexing not-yet-indexed messages of the scope before searching (free
   * text only). Unset: index all of them first, however long that takes.
   */
  fillBudgetMs?: number;
}

export interface WebmailSearchResult {
  rows: WebmailMessageRow[];
  /** The index fill ran out of budget: messages of the scope without a vector were not searched. */
  indexing: boolean;
}

export interface StoredMessage extends WebmailMessageRow {
  accountId: number;
  ccAddresses: string;
  messageIdHdr: string | null;
  inReplyTo: string | null;
  references: string[];
  raw: Buffer;
}

/** Per-account message reference for bulk operations. */
export interface MessageRef {
  id: bigint;
  mailboxId: number;
  uid: number;
}

const SORT_COLUMNS: Record<WebmailSort, string> = {
  date: 'm.internal_date',
  from: "lower(coalesce(nullif(m.from_name, ''), m.from_address))",
  subject: 'lower(m.subject)',
  size: 'm.size',
};

const ROW_COLUMNS = `m.id, m.mailbox_id AS "mailboxId", m.uid, m.thread_id AS "threadId", m.subject, m.from_address AS "fromAddress",
  m.from_name AS "fromName", m.to_addresses AS "toAddresses", m.internal_date AS "internalDate", m.size, m.preview, m.seen, m.flagged,
  m.answered, m.draft, m.deleted, m.keywords, m.has_attachments AS "hasAttachments"`;

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Queries behind the webmail API. Every method takes the account id and only ever reads
 * or names messages of that account: an id from another account is simply not found.
 */
export class WebmailRepository {
  constructor(
    private readonly db: Db,
    private readonly searchIndex: SearchIndexRepository,
  ) {}

  /** A page of one mailbox, keyset-paginated on (sort value, id) so pages stay stable while mail arrives. */
  async listMessages(accountId: number, mailboxId: number, o: WebmailListOptions): Promise<(WebmailMessageRow & { sort_key: Date | string | number })[]> {
    const sortExpr = SORT_COLUMNS[o.sort];
    const dir = o.order === 'asc' ? 'ASC' : 'DESC';
    const cmp = o.order === 'asc' ? '>' : '<';
    const params: unknown[] = [accountId, mailboxId];
    const where = ['b.account_id = $1', 'm.mailbox_id = $2'];
    if (o.unread !== undefined) where.push(o.unread ? 'NOT m.seen' : 'm.seen');
    if (o.flagged !== undefined) where.push(o.flagged ? 'm.flagged' : 'NOT m.flagged');
    if (o.hasAttachment !== undefined) where.push(o.hasAttachment ? 'm.has_attachments' : 'NOT m.has_attachments');
    let keyset = '';
    if (o.after) {
      params.push(o.after.value, o.after.id);
      const typed = o.sort === 'date' ? `$${params.length - 1}::timestamptz` : o.sort === 'size' ? `$${params.length - 1}::int` : `$${params.length - 1}::text`;
      keyset = `AND (s.sort_key, s.id) ${cmp} (${typed}, $${params.length}::bigint)`;
    }
    params.push(o.limit);
    const inner = o.threads
      ? `SELECT DISTINCT ON (m.thread_id) ${ROW_COLUMNS}, ${sortExpr} AS sort_key,
           count(*) OVER (PARTITION BY m.thread_id)::int AS "threadSize"
         FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE ${where.join(' AND ')}
         ORDER BY m.thread_id, m.internal_date DESC, m.id DESC`
      : `SELECT ${ROW_COLUMNS}, ${sortExpr} AS sort_key
         FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE ${where.join(' AND ')}`;
    // Without threads the planner pushes the keyset condition and LIMIT into the index scan.
    const sql = `SELECT * FROM (${inner}) s WHERE true ${keyset} ORDER BY s.sort_key ${dir}, s.id ${dir} LIMIT $${params.length}`;
    return this.db.$queryRawUnsafe(sql, ...params);
  }

  /**
   * Full-text and operator search across the account (or one of its mailboxes), newest first,
   * saying whether the full-text index of the scope was still incomplete: delivery leaves
   * search_vector NULL (indexed lazily), so a free-text search first fills the searched
   * mailboxes' missing vectors, within `fillBudgetMs` when given.
   */
  async search(s: WebmailSearch): Promise<WebmailSearchResult> {
    let indexing = false;
    if (s.text.length > 0) {
      const fill = await this.searchIndex.fillScope({ accountId: s.accountId, mailboxId: s.mailboxId }, { budgetMs: s.fillBudgetMs });
      indexing = fill.pending;
    }
    const params: unknown[] = [s.accountId];
    const where = ['b.account_id = $1'];
    const add = (value: unknown, clause: (p: string) => string) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (s.mailboxId !== undefined) add(s.mailboxId, (p) => `m.mailbox_id = ${p}`);
    if (s.text.length > 0) add(s.text.join(' '), (p) => `m.search_vector @@ plainto_tsquery('simple', ${p})`);
    for (const f of s.from) add(likePattern(f), (p) => `(m.from_address ILIKE ${p} OR m.from_name ILIKE ${p})`);
    for (const t of s.to) add(likePattern(t), (p) => `(m.to_addresses ILIKE ${p} OR m.cc_addresses ILIKE ${p})`);
    for (const t of s.subject) add(likePattern(t), (p) => `m.subject ILIKE ${p}`);
    if (s.hasAttachment !== undefined) where.push(s.hasAttachment ? 'm.has_attachments' : 'NOT m.has_attachments');
    if (s.before) add(s.before, (p) => `m.internal_date < ${p}`);
    if (s.after) add(s.after, (p) => `m.internal_date >= ${p}`);
    if (s.cursor) {
      params.push(s.cursor.date, s.cursor.id);
      where.push(`(m.internal_date, m.id) < ($${params.length - 1}, $${params.length}::bigint)`);
    }
    params.push(s.limit);
    const rows = await this.db.$queryRawUnsafe<WebmailMessageRow[]>(
      `SELECT ${ROW_COLUMNS} FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE ${where.join(' AND ')}
       ORDER BY m.internal_date DESC, m.id DESC LIMIT $${params.length}`,
      ...params,
    );
    return { rows, indexing };
  }

  /** One message with its raw bytes, or null when it is not this account's. */
  async getMessage(accountId: number, id: bigint): Promise<StoredMessage | null> {
    const rows = await this.db.$queryRawUnsafe<(Omit<StoredMessage, 'raw'> & { raw: Uint8Array })[]>(
      `SELECT ${ROW_COLUMNS}, b.account_id AS "accountId", m.cc_addresses AS "ccAddresses", m.message_id_hdr AS "messageIdHdr",
         m.in_reply_to AS "inReplyTo", m."references", bl.data AS raw
       FROM message m JOIN mailbox b ON b.id = m.mailbox_id JOIN blob bl ON bl.id = m.blob_id
       WHERE m.id = $1 AND b.account_id = $2`,
      id,
      accountId,
    );
    const row = rows[0];
    return row ? { ...row, raw: Buffer.from(row.raw) } : null;
  }

  /**
   * The conversation of one of the account's messages, oldest first: every message with its
   * thread id in any of the account's mailboxes (so one's own replies in Sent show too), except
   * Trash and Junk unless the message itself is there. Empty when the message is not the account's.
   */
  threadOf(accountId: number, id: bigint, limit = 200): Promise<WebmailMessageRow[]> {
    return this.db.$queryRawUnsafe(
      `WITH origin AS (
         SELECT m.thread_id, m.mailbox_id FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE m.id = $1 AND b.account_id = $2
       )
       SELECT ${ROW_COLUMNS} FROM message m JOIN mailbox b ON b.id = m.mailbox_id JOIN origin o ON o.thread_id = m.thread_id
       WHERE b.account_id = $2 AND NOT m.deleted
         AND (m.mailbox_id = o.mailbox_id OR coalesce(b.special_use, '') NOT IN ('\\Trash', '\\Junk'))
       ORDER BY m.internal_date ASC, m.id ASC LIMIT $3`,
      id,
      accountId,
      limit,
    );
  }

  /** The subset of `ids` that are messages of this account. */
  resolveIds(accountId: number, ids: bigint[]): Promise<MessageRef[]> {
    return this.db.$queryRawUnsafe(
      `SELECT m.id, m.mailbox_id AS "mailboxId", m.uid FROM message m JOIN mailbox b ON b.id = m.mailbox_id
       WHERE m.id = ANY($1::bigint[]) AND b.account_id = $2 ORDER BY m.mailbox_id, m.uid`,
      ids,
      accountId,
    );
  }

  /** Message id of a mailbox's UID (after an append). */
  async idOf(mailboxId: number, uid: number): Promise<bigint | null> {
    const row = await this.db.message.findUnique({ where: { mailboxId_uid: { mailboxId, uid } }, select: { id: true } });
    return row?.id ?? null;
  }
}
