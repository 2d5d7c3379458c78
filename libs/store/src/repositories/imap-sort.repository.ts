import type { Db } from '../prisma';

/**
 * Per-message fields for SORT (RFC 5256, RFC 5957), THREAD (RFC 5256), PREVIEW (RFC 8970)
 * and OBJECTID (RFC 8474), each in one query.
 * The rows are shaped so libs/imap's `SortableMessage` / `ThreadableMessage` are one map away
 * (add `seq` from the session's UID list; pick `id` = UID or sequence number).
 */

export interface SortAddressRow {
  name: string | null;
  mailbox: string | null;
  host: string | null;
}

export interface ImapSortRow {
  uid: number;
  internalDate: Date;
  sentDate: Date | null;
  size: number;
  /** Raw Subject from the ENVELOPE (encoded words kept; base-subject extraction decodes). */
  subject: string | null;
  from: SortAddressRow | null;
  to: SortAddressRow | null;
  cc: SortAddressRow | null;
}

export interface ImapThreadRow {
  uid: number;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string | null;
  sentDate: Date | null;
  internalDate: Date;
}

interface RawSortRow {
  uid: number;
  internal_date: Date;
  sent_date: Date | null;
  size: number;
  subject: string | null;
  from_name: string | null;
  from_mailbox: string | null;
  from_host: string | null;
  to_name: string | null;
  to_mailbox: string | null;
  to_host: string | null;
  cc_name: string | null;
  cc_mailbox: string | null;
  cc_host: string | null;
}

// The first address of a list that is an address (RFC 3501 7.4.2: group markers have a null host).
const firstAddress = (field: string, alias: string) => `
  (SELECT a FROM jsonb_array_elements(CASE WHEN jsonb_typeof(m.envelope->'${field}') = 'array' THEN m.envelope->'${field}' ELSE '[]'::jsonb END)
     WITH ORDINALITY AS x(a, n) WHERE a->>'host' IS NOT NULL ORDER BY n LIMIT 1) AS ${alias}`;

const address = (name: string | null, mailbox: string | null, host: string | null): SortAddressRow | null =>
  mailbox === null && host === null && name === null ? null : { name, mailbox, host };

export class ImapSortRepository {
  constructor(private readonly db: Db) {}

  /** Sort keys of the given UIDs (all messages when `uids` is omitted), ascending by UID. */
  async sortRows(mailboxId: number, uids?: readonly number[]): Promise<ImapSortRow[]> {
    const rows = await this.db.$queryRawUnsafe<RawSortRow[]>(
      `SELECT uid, internal_date, sent_date, size, subject,
              f->>'name' AS from_name, f->>'mailbox' AS from_mailbox, f->>'host' AS from_host,
              t->>'name' AS to_name, t->>'mailbox' AS to_mailbox, t->>'host' AS to_host,
              c->>'name' AS cc_name, c->>'mailbox' AS cc_mailbox, c->>'host' AS cc_host
       FROM (
         SELECT m.uid, m.internal_date, m.sent_date, m.size, m.envelope->>'subject' AS subject,
                ${firstAddress('from', 'f')}, ${firstAddress('to', 't')}, ${firstAddress('cc', 'c')}
         FROM message m WHERE m.mailbox_id = $1 ${uids ? 'AND m.uid = ANY($2::bigint[])' : ''}
       ) s ORDER BY uid`,
      ...(uids ? [mailboxId, [...uids]] : [mailboxId]),
    );
    return rows.map((r) => ({
      uid: r.uid,
      internalDate: r.internal_date,
      sentDate: r.sent_date,
      size: r.size,
      subject: r.subject,
      from: address(r.from_name, r.from_mailbox, r.from_host),
      to: address(r.to_name, r.to_mailbox, r.to_host),
      cc: address(r.cc_name, r.cc_mailbox, r.cc_host),
    }));
  }

  /** Threading fields of the given UIDs (all when omitted), ascending by UID = mailbox order. */
  async threadRows(mailboxId: number, uids?: readonly number[]): Promise<ImapThreadRow[]> {
    const rows = await this.db.$queryRawUnsafe<
      { uid: number; message_id_hdr: string | null; in_reply_to: string | null; references: string[]; subject: string | null; sent_date: Date | null; internal_date: Date }[]
    >(
      `SELECT m.uid, m.message_id_hdr, m.in_reply_to, m."references", m.envelope->>'subject' AS subject, m.sent_date, m.internal_date
       FROM message m WHERE m.mailbox_id = $1 ${uids ? 'AND m.uid = ANY($2::bigint[])' : ''} ORDER BY m.uid`,
      ...(uids ? [mailboxId, [...uids]] : [mailboxId]),
    );
    return rows.map((r) => ({
      uid: r.uid,
      messageId: r.message_id_hdr,
      inReplyTo: r.in_reply_to,
      references: r.references,
      subject: r.subject,
      sentDate: r.sent_date,
      internalDate: r.internal_date,
    }));
  }

  /**
   * FETCH PREVIEW (RFC 8970 section 3): the stored preview (libs/mime, at most 200 characters,
   * within the RFC's 256). An empty preview is a real answer ("" = no text), not NIL.
   */
  async previews(mailboxId: number, uids: readonly number[]): Promise<Map<number, string>> {
    if (uids.length === 0) return new Map();
    const rows = await this.db.$queryRawUnsafe<{ uid: number; preview: string }[]>(
      'SELECT uid, preview FROM message WHERE mailbox_id = $1 AND uid = ANY($2::bigint[])',
      mailboxId,
      [...uids],
    );
    return new Map(rows.map((r) => [r.uid, r.preview]));
  }

  /**
   * FETCH EMAILID / THREADID (RFC 8474 sections 5.1, 5.2): ids kept by COPY and MOVE (the copy
   * carries email_id and thread_id over), so a client can match a moved message to its cache.
   */
  async objectIds(mailboxId: number, uids: readonly number[]): Promise<Map<number, { emailId: bigint; threadId: bigint }>> {
    if (uids.length === 0) return new Map();
    const rows = await this.db.$queryRawUnsafe<{ uid: number; email_id: bigint; thread_id: bigint }[]>(
      'SELECT uid, email_id, thread_id FROM message WHERE mailbox_id = $1 AND uid = ANY($2::bigint[])',
      mailboxId,
      [...uids],
    );
    return new Map(rows.map((r) => [r.uid, { emailId: r.email_id, threadId: r.thread_id }]));
  }
}
