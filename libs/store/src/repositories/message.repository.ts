import { createHash } from 'node:crypto';
import { parseMessage, type ParsedMessage } from '@mailstead/mime';
import type { Db, Tx } from '../prisma';
import { CHANGE_CHANNEL, encodeChange, type ChangeKind } from '../change-feed';
import { notFound, StoreError } from '../errors';

/** IMAP system flags stored as columns; anything else is a keyword. \Recent is per session, never stored. */
const SYSTEM_FLAGS = { '\\seen': 'seen', '\\answered': 'answered', '\\flagged': 'flagged', '\\deleted': 'deleted', '\\draft': 'draft' } as const;
type FlagColumn = (typeof SYSTEM_FLAGS)[keyof typeof SYSTEM_FLAGS];
const FLAG_NAMES: Record<FlagColumn, string> = { seen: '\\Seen', answered: '\\Answered', flagged: '\\Flagged', deleted: '\\Deleted', draft: '\\Draft' };

export interface FlagState {
  seen: boolean;
  answered: boolean;
  flagged: boolean;
  deleted: boolean;
  draft: boolean;
  keywords: string[];
}

export function parseFlags(flags: readonly string[]): FlagState {
  const state: FlagState = { seen: false, answered: false, flagged: false, deleted: false, draft: false, keywords: [] };
  for (const flag of flags) {
    const column = SYSTEM_FLAGS[flag.toLowerCase() as keyof typeof SYSTEM_FLAGS];
    if (column) state[column] = true;
    else if (flag.toLowerCase() !== '\\recent' && !flag.startsWith('\\') && !state.keywords.includes(flag)) state.keywords.push(flag);
  }
  return state;
}

export function flagList(state: FlagState): string[] {
  const out: string[] = [];
  for (const column of Object.keys(FLAG_NAMES) as FlagColumn[]) if (state[column]) out.push(FLAG_NAMES[column]);
  return [...out, ...state.keywords];
}

export interface AppendItem {
  raw: Buffer;
  flags?: readonly string[];
  internalDate?: Date;
}

export interface DeliveryTarget {
  mailboxId: number;
  flags?: readonly string[];
}

export interface OutboundRecipientInput {
  address: string;
  /** DSN NOTIFY values (RFC 3461), e.g. ['FAILURE', 'DELAY']. */
  notify?: string[];
  orcpt?: string | null;
}

export interface DeliveryOptions {
  internalDate?: Date;
  /** Remote recipients: one outbound row per destination domain, in the same transaction. */
  outbound?: { sender: string; recipients: OutboundRecipientInput[]; envelopeId?: string | null; ret?: 'FULL' | 'HDRS' | null };
}

export interface DeliveryResult {
  stored: AppendedMessage[];
  outboundIds: bigint[];
  blobId: string;
}

export interface AppendedMessage {
  id: bigint;
  mailboxId: number;
  uid: number;
  modseq: bigint;
}

export interface MessageSummary extends FlagState {
  id: bigint;
  uid: number;
  modseq: bigint;
  emailId: bigint;
  threadId: bigint;
  internalDate: Date;
  size: number;
  blobId: string;
  subject: string;
}

export interface FlagChange {
  uid: number;
  modseq: bigint;
  flags: string[];
}

interface Prepared {
  raw: Buffer;
  blobId: string;
  parsed: ParsedMessage;
  flags: FlagState;
  internalDate: Date;
}

const MAX_SEARCH_TEXT = 500_000;

function prepare(item: AppendItem): Prepared {
  return {
    raw: item.raw,
    blobId: createHash('sha256').update(item.raw).digest('hex'),
    parsed: parseMessage(item.raw),
    flags: parseFlags(item.flags ?? []),
    internalDate: item.internalDate ?? new Date(),
  };
}

async function notify(tx: Tx, accountId: number, mailboxId: number, modseq: bigint, kind: ChangeKind): Promise<void> {
  await tx.$executeRawUnsafe('SELECT pg_notify($1, $2)', CHANGE_CHANNEL, encodeChange({ accountId, mailboxId, modseq: modseq.toString(), kind }));
}

const formatAddresses = (list: { name: string | null; address: string | null }[]) =>
  list.map((a) => [a.name, a.address && `<${a.address}>`].filter(Boolean).join(' ')).join(', ');

export class MessageRepository {
  constructor(private readonly db: Db) {}

  /**
   * Appends messages to one mailbox atomically (MULTIAPPEND): all get consecutive UIDs and
   * one new MODSEQ, or none is stored. UIDs come from the mailbox row, locked by the UPDATE,
   * so concurrent writers in any process never share a UID.
   */
  async append(mailboxId: number, items: AppendItem[]): Promise<AppendedMessage[]> {
    const prepared = items.map(prepare);
    return this.db.$transaction((tx) => this.insertPrepared(tx, mailboxId, prepared), { timeout: 60_000, maxWait: 30_000 });
  }

  /**
   * Stores one message for all its recipients in one transaction (DESIGN.md 4 "Inbound"): one
   * parse, one blob, a copy per local mailbox, and one outbound row per remote destination
   * domain. Either all of it commits or none of it does; only then may SMTP answer 250.
   */
  async deliver(raw: Buffer, targets: DeliveryTarget[], options: DeliveryOptions = {}): Promise<DeliveryResult> {
    const base = prepare({ raw, internalDate: options.internalDate });
    // Lock mailboxes in id order so concurrent deliveries to overlapping sets cannot deadlock.
    const ordered = [...targets].sort((a, b) => a.mailboxId - b.mailboxId);
    const byDomain = new Map<string, OutboundRecipientInput[]>();
    for (const r of options.outbound?.recipients ?? []) {
      const domain = r.address.slice(r.address.lastIndexOf('@') + 1).toLowerCase();
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), r]);
    }
    return this.db.$transaction(
      async (tx) => {
        const stored: AppendedMessage[] = [];
        for (const target of ordered) {
          stored.push(...(await this.insertPrepared(tx, target.mailboxId, [{ ...base, flags: parseFlags(target.flags ?? []) }])));
        }
        if (stored.length === 0 && byDomain.size > 0) {
          await tx.$executeRawUnsafe('INSERT INTO blob (id, size, data) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', base.blobId, raw.length, raw);
        }
        const outboundIds: bigint[] = [];
        for (const [domain, recipients] of byDomain) {
          const row = await tx.outbound.create({
            data: {
              blobId: base.blobId,
              sender: options.outbound!.sender,
              domain,
              dsnEnvelopeId: options.outbound!.envelopeId ?? null,
              dsnReturn: options.outbound!.ret ?? null,
              recipients: { create: recipients.map((r) => ({ address: r.address, notify: r.notify ?? [], orcpt: r.orcpt ?? null })) },
            },
            select: { id: true },
          });
          outboundIds.push(row.id);
        }
        return { stored, outboundIds, blobId: base.blobId };
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
  }

  /**
   * Several versions of one incoming message (say, the direct copy and a mailing list's copy
   * with its List-* headers and its own envelope sender) delivered in ONE transaction, so
   * SMTP can still answer 250 only when all of it is stored, or 451 with nothing stored.
   */
  async deliverBatch(parts: { raw: Buffer; targets: DeliveryTarget[]; options?: DeliveryOptions }[]): Promise<DeliveryResult[]> {
    const prepared = parts.map((p) => ({ ...p, base: prepare({ raw: p.raw, internalDate: p.options?.internalDate }) }));
    return this.db.$transaction(
      async (tx) => {
        const results: DeliveryResult[] = [];
        for (const part of prepared) {
          const ordered = [...part.targets].sort((a, b) => a.mailboxId - b.mailboxId);
          const stored: AppendedMessage[] = [];
          for (const target of ordered) {
            stored.push(...(await this.insertPrepared(tx, target.mailboxId, [{ ...part.base, flags: parseFlags(target.flags ?? []) }])));
          }
          const outbound = part.options?.outbound;
          const byDomain = new Map<string, OutboundRecipientInput[]>();
          for (const r of outbound?.recipients ?? []) {
            const domain = r.address.slice(r.address.lastIndexOf('@') + 1).toLowerCase();
            byDomain.set(domain, [...(byDomain.get(domain) ?? []), r]);
          }
          if (stored.length === 0 && byDomain.size > 0) {
            await tx.$executeRawUnsafe('INSERT INTO blob (id, size, data) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', part.base.blobId, part.raw.length, part.raw);
          }
          const outboundIds: bigint[] = [];
          for (const [domain, recipients] of byDomain) {
            const row = await tx.outbound.create({
              data: {
                blobId: part.base.blobId,
                sender: outbound!.sender,
                domain,
                dsnEnvelopeId: outbound!.envelopeId ?? null,
                dsnReturn: outbound!.ret ?? null,
                recipients: { create: recipients.map((r) => ({ address: r.address, notify: r.notify ?? [], orcpt: r.orcpt ?? null })) },
              },
              select: { id: true },
            });
            outboundIds.push(row.id);
          }
          results.push({ stored, outboundIds, blobId: part.base.blobId });
        }
        return results;
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
  }

  private async insertPrepared(tx: Tx, mailboxId: number, prepared: Prepared[]): Promise<AppendedMessage[]> {
    if (prepared.length === 0) return [];
    for (const blobId of new Set(prepared.map((p) => p.blobId))) {
      const p = prepared.find((x) => x.blobId === blobId)!;
      await tx.$executeRawUnsafe('INSERT INTO blob (id, size, data) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', blobId, p.raw.length, p.raw);
    }
    // Ids and thread lookups first: the mailbox row lock below is held until COMMIT, so keep
    // the work done under it to the UID/MODSEQ update, the quota update and the inserts.
    const ids = await tx.$queryRawUnsafe<{ id: bigint }[]>(
      `SELECT nextval(pg_get_serial_sequence('message', 'id')) AS id FROM generate_series(1, $1)`,
      prepared.length,
    );
    const threads = await Promise.all(prepared.map((p) => this.findThread(tx, mailboxId, p.parsed)));
    const totalSize = prepared.reduce((n, p) => n + p.raw.length, 0);
    const unseen = prepared.filter((p) => !p.flags.seen).length;
    // One round trip under the lock: allocate UIDs and the MODSEQ, bump the counters, and
    // charge the account's quota (no row from `charged` = over quota, and the caller rolls back).
    const [box] = await tx.$queryRawUnsafe<{ first_uid: number; modseq: bigint; account_id: number; charged: boolean }[]>(
      `WITH box AS (
         UPDATE mailbox SET uid_next = uid_next + $2, highest_modseq = highest_modseq + 1,
           message_count = message_count + $2, unseen_count = unseen_count + $3, total_size = total_size + $4
         WHERE id = $1 RETURNING uid_next - $2 AS first_uid, highest_modseq AS modseq, account_id),
       charged AS (
         UPDATE account a SET used_bytes = a.used_bytes + $4 FROM box
         WHERE a.id = box.account_id AND (a.quota_bytes = 0 OR a.used_bytes + $4 <= a.quota_bytes) RETURNING a.id)
       SELECT box.first_uid, box.modseq, box.account_id, EXISTS (SELECT 1 FROM charged) AS charged FROM box`,
      mailboxId,
      prepared.length,
      unseen,
      totalSize,
    );
    if (!box) throw notFound(`mailbox ${mailboxId}`);
    if (!box.charged) throw new StoreError('over_quota', 'mailbox quota exceeded');

    const out: AppendedMessage[] = [];
    for (const [i, p] of prepared.entries()) {
      const uid = box.first_uid + i;
      const id = ids[i]!.id;
      const threadId = threads[i] ?? id;
      const m = p.parsed;
      await tx.$executeRawUnsafe(
        `INSERT INTO message (id, mailbox_id, uid, modseq, email_id, thread_id, seen, answered, flagged, deleted, draft, keywords,
           internal_date, size, blob_id, subject, from_address, from_name, to_addresses, cc_addresses, sent_date, message_id_hdr,
           in_reply_to, "references", has_attachments, preview, headers, envelope, body_structure, search_vector)
         VALUES ($1, $2, $3, $4, $1, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25,
           $26::jsonb, $27::jsonb, $28::jsonb,
           setweight(to_tsvector('simple', $15), 'A') || setweight(to_tsvector('simple', $16 || ' ' || $17 || ' ' || $18 || ' ' || $19), 'B')
             || to_tsvector('simple', $29))`,
        id,
        mailboxId,
        uid,
        box.modseq,
        threadId,
        p.flags.seen,
        p.flags.answered,
        p.flags.flagged,
        p.flags.deleted,
        p.flags.draft,
        p.flags.keywords,
        p.internalDate,
        p.raw.length,
        p.blobId,
        m.subject,
        m.from[0]?.address ?? '',
        m.from[0]?.name ?? '',
        formatAddresses(m.to),
        formatAddresses(m.cc),
        m.date && !Number.isNaN(m.date.getTime()) ? m.date : null,
        m.messageId,
        m.inReplyTo,
        m.references,
        m.hasAttachments,
        m.preview,
        JSON.stringify(m.headers),
        JSON.stringify(m.envelope),
        JSON.stringify(m.body),
        m.text.slice(0, MAX_SEARCH_TEXT),
      );
      out.push({ id, mailboxId, uid, modseq: box.modseq });
    }
    await notify(tx, box.account_id, mailboxId, box.modseq, 'append');
    return out;
  }

  /** The thread of the first message this one refers to (In-Reply-To, References), in the same account. */
  private async findThread(tx: Tx, mailboxId: number, m: ParsedMessage): Promise<bigint | undefined> {
    const refs = [...new Set([m.inReplyTo, ...m.references].filter((r): r is string => Boolean(r)))];
    if (refs.length === 0) return undefined;
    const rows = await tx.$queryRawUnsafe<{ thread_id: bigint }[]>(
      `SELECT m.thread_id FROM message m JOIN mailbox b ON b.id = m.mailbox_id
       WHERE b.account_id = (SELECT account_id FROM mailbox WHERE id = $1) AND m.message_id_hdr = ANY($2::text[]) ORDER BY m.id LIMIT 1`,
      mailboxId,
      refs,
    );
    return rows[0]?.thread_id;
  }

  /** Messages of a mailbox in UID order, optionally limited to a UID range. */
  async list(mailboxId: number, range: { from?: number; to?: number } = {}): Promise<MessageSummary[]> {
    return this.db.message.findMany({
      where: { mailboxId, uid: { gte: range.from ?? 1, lte: range.to ?? 2 ** 31 - 1 } },
      orderBy: { uid: 'asc' },
      select: {
        id: true, uid: true, modseq: true, emailId: true, threadId: true, internalDate: true, size: true, blobId: true, subject: true,
        seen: true, answered: true, flagged: true, deleted: true, draft: true, keywords: true,
      },
    });
  }

  /** The raw RFC 5322 bytes of a message. */
  async raw(mailboxId: number, uid: number): Promise<Buffer> {
    const row = await this.db.message.findUnique({ where: { mailboxId_uid: { mailboxId, uid } }, select: { blob: { select: { data: true } } } });
    if (!row) throw notFound(`message ${uid}`);
    return Buffer.from(row.blob.data);
  }

  /**
   * Sets, adds or removes flags on the given UIDs. Only messages whose flags change get the
   * new MODSEQ (RFC 7162 3.1.3); with `unchangedSince`, messages modified after it are left
   * alone and reported as `modified`.
   */
  async updateFlags(
    mailboxId: number,
    uids: number[],
    mode: 'set' | 'add' | 'remove',
    flags: readonly string[],
    unchangedSince?: bigint,
  ): Promise<{ changed: FlagChange[]; modified: number[] }> {
    const wanted = parseFlags(flags);
    return this.db.$transaction(async (tx) => {
      const [box] = await tx.$queryRawUnsafe<{ modseq: bigint; account_id: number }[]>(
        'UPDATE mailbox SET highest_modseq = highest_modseq + 1 WHERE id = $1 RETURNING highest_modseq AS modseq, account_id',
        mailboxId,
      );
      if (!box) throw notFound(`mailbox ${mailboxId}`);
      const rows = await tx.$queryRawUnsafe<(FlagState & { uid: number; modseq: bigint })[]>(
        'SELECT uid, modseq, seen, answered, flagged, deleted, draft, keywords FROM message WHERE mailbox_id = $1 AND uid = ANY($2::int[]) ORDER BY uid FOR UPDATE',
        mailboxId,
        uids,
      );
      const changed: FlagChange[] = [];
      const modified: number[] = [];
      let unseenDelta = 0;
      for (const row of rows) {
        if (unchangedSince !== undefined && row.modseq > unchangedSince) {
          modified.push(row.uid);
          continue;
        }
        const next = applyFlags(row, wanted, mode);
        if (sameFlags(row, next)) continue;
        if (row.seen !== next.seen) unseenDelta += next.seen ? -1 : 1;
        await tx.$executeRawUnsafe(
          'UPDATE message SET seen = $3, answered = $4, flagged = $5, deleted = $6, draft = $7, keywords = $8, modseq = $9 WHERE mailbox_id = $1 AND uid = $2',
          mailboxId, row.uid, next.seen, next.answered, next.flagged, next.deleted, next.draft, next.keywords, box.modseq,
        );
        changed.push({ uid: row.uid, modseq: box.modseq, flags: flagList(next) });
      }
      if (unseenDelta !== 0) await tx.$executeRawUnsafe('UPDATE mailbox SET unseen_count = unseen_count + $2 WHERE id = $1', mailboxId, unseenDelta);
      if (changed.length > 0) await notify(tx, box.account_id, mailboxId, box.modseq, 'flags');
      return { changed, modified };
    });
  }

  /**
   * Removes messages flagged \Deleted (only those in `uids` when given, as UID EXPUNGE does),
   * recording them in `expunged` with the new MODSEQ for QRESYNC. Returns the expunged UIDs.
   */
  async expunge(mailboxId: number, uids?: number[]): Promise<number[]> {
    return this.db.$transaction((tx) => this.expungeInTx(tx, mailboxId, uids, true));
  }

  private async expungeInTx(tx: Tx, mailboxId: number, uids: number[] | undefined, onlyDeleted: boolean): Promise<number[]> {
    const [box] = await tx.$queryRawUnsafe<{ modseq: bigint; account_id: number }[]>(
      'UPDATE mailbox SET highest_modseq = highest_modseq + 1 WHERE id = $1 RETURNING highest_modseq AS modseq, account_id',
      mailboxId,
    );
    if (!box) throw notFound(`mailbox ${mailboxId}`);
    const gone = await tx.$queryRawUnsafe<{ uid: number; size: number; seen: boolean }[]>(
      `DELETE FROM message WHERE mailbox_id = $1 ${onlyDeleted ? 'AND deleted' : ''} ${uids ? 'AND uid = ANY($2::int[])' : ''}
       RETURNING uid, size, seen`,
      ...(uids ? [mailboxId, uids] : [mailboxId]),
    );
    if (gone.length === 0) return [];
    const size = gone.reduce((n, g) => n + g.size, 0);
    const unseen = gone.filter((g) => !g.seen).length;
    await tx.$executeRawUnsafe(
      `INSERT INTO expunged (mailbox_id, uid, modseq) SELECT $1, u, $3 FROM unnest($2::int[]) AS u
       ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = EXCLUDED.modseq`,
      mailboxId,
      gone.map((g) => g.uid),
      box.modseq,
    );
    await tx.$executeRawUnsafe(
      'UPDATE mailbox SET message_count = message_count - $2, unseen_count = unseen_count - $3, total_size = total_size - $4 WHERE id = $1',
      mailboxId, gone.length, unseen, size,
    );
    await tx.$executeRawUnsafe('UPDATE account SET used_bytes = GREATEST(0, used_bytes - $2) WHERE id = $1', box.account_id, size);
    await notify(tx, box.account_id, mailboxId, box.modseq, 'expunge');
    return gone.map((g) => g.uid).sort((a, b) => a - b);
  }

  /**
   * Copies messages to another mailbox of the same account (or moves them, removing the
   * sources in the same transaction). Returns source -> destination UID pairs (UIDPLUS COPYUID).
   */
  async copy(fromMailboxId: number, uids: number[], toMailboxId: number, move = false): Promise<{ uidValidity: number; pairs: [number, number][] }> {
    return this.db.$transaction(
      async (tx) => {
        const [from, to] = await Promise.all([
          tx.mailbox.findUnique({ where: { id: fromMailboxId }, select: { accountId: true } }),
          tx.mailbox.findUnique({ where: { id: toMailboxId }, select: { accountId: true, uidValidity: true } }),
        ]);
        if (!from || !to) throw notFound('mailbox');
        if (from.accountId !== to.accountId) throw new StoreError('invalid', 'messages can only be copied within one account');
        const rows = await tx.$queryRawUnsafe<{ uid: number; size: number; seen: boolean }[]>(
          'SELECT uid, size, seen FROM message WHERE mailbox_id = $1 AND uid = ANY($2::int[]) ORDER BY uid',
          fromMailboxId,
          uids,
        );
        if (rows.length === 0) return { uidValidity: to.uidValidity, pairs: [] };
        const size = rows.reduce((n, r) => n + r.size, 0);
        const [box] = await tx.$queryRawUnsafe<{ first_uid: number; modseq: bigint }[]>(
          `UPDATE mailbox SET uid_next = uid_next + $2, highest_modseq = highest_modseq + 1, message_count = message_count + $2,
             unseen_count = unseen_count + $3, total_size = total_size + $4
           WHERE id = $1 RETURNING uid_next - $2 AS first_uid, highest_modseq AS modseq`,
          toMailboxId,
          rows.length,
          rows.filter((r) => !r.seen).length,
          size,
        );
        if (!move) {
          const quota = await tx.$queryRawUnsafe<{ id: number }[]>(
            'UPDATE account SET used_bytes = used_bytes + $2 WHERE id = $1 AND (quota_bytes = 0 OR used_bytes + $2 <= quota_bytes) RETURNING id',
            to.accountId,
            size,
          );
          if (quota.length === 0) throw new StoreError('over_quota', 'mailbox quota exceeded');
        }
        const sourceUids = rows.map((r) => r.uid);
        await tx.$executeRawUnsafe(
          `INSERT INTO message (mailbox_id, uid, modseq, email_id, thread_id, seen, answered, flagged, deleted, draft, keywords, internal_date,
             size, blob_id, subject, from_address, from_name, to_addresses, cc_addresses, sent_date, message_id_hdr, in_reply_to, "references",
             has_attachments, preview, headers, envelope, body_structure, search_vector)
           SELECT $2, $3 + (row_number() OVER (ORDER BY uid))::int - 1, $4, email_id, thread_id, seen, answered, flagged, deleted, draft, keywords,
             internal_date, size, blob_id, subject, from_address, from_name, to_addresses, cc_addresses, sent_date, message_id_hdr, in_reply_to,
             "references", has_attachments, preview, headers, envelope, body_structure, search_vector
           FROM message WHERE mailbox_id = $1 AND uid = ANY($5::int[]) ORDER BY uid`,
          fromMailboxId,
          toMailboxId,
          box!.first_uid,
          box!.modseq,
          sourceUids,
        );
        await notify(tx, to.accountId, toMailboxId, box!.modseq, 'append');
        if (move) {
          await tx.$executeRawUnsafe('UPDATE account SET used_bytes = used_bytes + $2 WHERE id = $1', to.accountId, size);
          await this.expungeInTx(tx, fromMailboxId, sourceUids, false);
        }
        return { uidValidity: to.uidValidity, pairs: sourceUids.map((u, i): [number, number] => [u, box!.first_uid + i]) };
      },
      { timeout: 60_000 },
    );
  }

  /** UIDs expunged since a MODSEQ (QRESYNC VANISHED (EARLIER)). */
  async expungedSince(mailboxId: number, modseq: bigint): Promise<number[]> {
    const rows = await this.db.expunged.findMany({ where: { mailboxId, modseq: { gt: modseq } }, select: { uid: true }, orderBy: { uid: 'asc' } });
    return rows.map((r) => r.uid);
  }
}

function applyFlags(current: FlagState, wanted: FlagState, mode: 'set' | 'add' | 'remove'): FlagState {
  const columns: FlagColumn[] = ['seen', 'answered', 'flagged', 'deleted', 'draft'];
  const next = { ...current, keywords: [...current.keywords] };
  for (const c of columns) {
    if (mode === 'set') next[c] = wanted[c];
    else if (wanted[c]) next[c] = mode === 'add';
  }
  if (mode === 'set') {
    next.keywords = [...wanted.keywords];
  } else if (mode === 'add') {
    for (const k of wanted.keywords) if (!next.keywords.includes(k)) next.keywords.push(k);
  } else {
    next.keywords = next.keywords.filter((k) => !wanted.keywords.includes(k));
  }
  return next;
}

function sameFlags(a: FlagState, b: FlagState): boolean {
  return (
    a.seen === b.seen && a.answered === b.answered && a.flagged === b.flagged && a.deleted === b.deleted && a.draft === b.draft &&
    a.keywords.length === b.keywords.length && a.keywords.every((k) => b.keywords.includes(k))
  );
}
