import { decodeWords, type BodyPart, type ImapEnvelope } from '@mailstead/mime';
import type pg from 'pg';
import type { Db } from '../prisma';
import { flagList, type FlagState } from './message.repository';
import { normalizeMailboxName, type MailboxInfo } from './mailbox.repository';
import type { SearchIndexRepository } from './search-index.repository';

/**
 * The queries the IMAP server needs beyond the shared repositories: the UID list of a
 * mailbox, changes since a MODSEQ, metadata in batches, byte ranges of a blob, and SEARCH
 * compiled to SQL. Each read is one statement, so it sees one snapshot.
 */

export type ImapSearchKey =
  | { type: 'all' }
  | { type: 'uids'; ranges: { from: number; to: number }[] }
  | { type: 'flag'; flag: 'seen' | 'answered' | 'flagged' | 'deleted' | 'draft'; set: boolean }
  | { type: 'keyword'; keyword: string; set: boolean }
  | { type: 'header'; field: string; value: string }
  | { type: 'address'; field: 'from' | 'to' | 'cc' | 'bcc'; value: string }
  | { type: 'subject'; value: string }
  | { type: 'body'; value: string }
  | { type: 'text'; value: string }
  /** older/younger: RFC 5032 WITHIN, the instant rather than the day */
  | { type: 'internalDate'; op: 'before' | 'on' | 'since' | 'older' | 'younger'; date: Date }
  | { type: 'sentDate'; op: 'before' | 'on' | 'since'; date: Date }
  | { type: 'size'; op: 'larger' | 'smaller'; size: number }
  | { type: 'modseq'; modseq: bigint }
  /** RFC 8474 6: SEARCH EMAILID / THREADID */
  | { type: 'objectId'; kind: 'email' | 'thread'; id: bigint }
  | { type: 'not'; key: ImapSearchKey }
  | { type: 'or'; left: ImapSearchKey; right: ImapSearchKey }
  | { type: 'and'; keys: ImapSearchKey[] };

export interface ImapMessageFlags {
  uid: number;
  modseq: bigint;
  flags: string[];
}

export interface ImapMessageMeta extends ImapMessageFlags {
  /**
   * The message's content (content-addressed, never rewritten): its bytes stay readable by this
   * id after the row is expunged, so a FETCH that read the row serves the real data (RFC 2180 4.1.1).
   */
  blobId: string;
  internalDate?: Date;
  size?: number;
  envelope?: ImapEnvelope;
  bodyStructure?: BodyPart;
}

export type ImapMetaField = 'flags' | 'internalDate' | 'size' | 'envelope' | 'bodyStructure';

/** Flags of a batch as parallel arrays in UID order (ImapRepository.fetchFlags). */
export interface ImapFlagBatch {
  uids: number[];
  /** \Seen 1, \Answered 2, \Flagged 4, \Deleted 8, \Draft 16 */
  systemFlags: number[];
  /** the keywords separated by spaces, null when there are none */
  keywords: (string | null)[];
  /** MODSEQs in decimal, when asked for */
  modseqs?: string[];
}

/** The entries of `batch` whose UID is among `wanted` (both ascending). */
function onlyUids(batch: ImapFlagBatch, wanted: readonly number[]): ImapFlagBatch {
  const out: ImapFlagBatch = { uids: [], systemFlags: [], keywords: [] };
  if (batch.modseqs) out.modseqs = [];
  let j = 0;
  for (let i = 0; i < batch.uids.length; i++) {
    const uid = batch.uids[i]!;
    while (j < wanted.length && wanted[j]! < uid) j++;
    if (wanted[j] !== uid) continue;
    out.uids.push(uid);
    out.systemFlags.push(batch.systemFlags[i]!);
    out.keywords.push(batch.keywords[i]!);
    out.modseqs?.push(batch.modseqs![i]!);
  }
  return out;
}

type FlagRow = FlagState & { uid: number; modseq: bigint };

/** Flag columns with the MODSEQ as text (`pg` returns int8 as a string; Prisma as a bigint). */
// Empty keyword arrays come back as NULL: nothing for `pg` to parse in the common case (FETCH 1:* at 100k).
const FLAG_COLUMNS_TEXT = 'uid, modseq::text AS modseq, seen, answered, flagged, deleted, draft, NULLIF(keywords, \'{}\') AS keywords';

/**
 * SEARCH strings match as case-insensitive substrings (RFC 3501 6.4.4). Both sides are
 * lower-cased here rather than with ILIKE/lower() in SQL, because the database may run with
 * the C locale, whose case mapping covers ASCII only.
 */
export function foldForSearch(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

const NUL = /\0/g;

/** `search_header`: every header field as one unfolded "name: value" line, encoded words decoded, folded. */
export function searchHeaderText(headers: readonly { key: string; value: string }[]): string {
  return headers
    .map((h) => `${h.key.toLowerCase()}: ${decodeWords(h.value.replace(/\r?\n(?=[ \t])/g, '')).replace(/[\r\n]+/g, ' ')}`)
    .map(foldForSearch)
    .join('\n')
    .replace(NUL, '');
}

/** A Postgres (ARE) regular expression matching `value` literally. */
function regexLiteral(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The calendar date written in the Date header, disregarding time and timezone (RFC 3501
 * 6.4.4 SENT*): "Mon, 1 Dec 2026 23:30 -0500" is 1-Dec-2026 even though it is 2-Dec in UTC.
 * Two- and three-digit years as RFC 5322 4.3; no readable Date header: the stored sent date
 * (else the internal date) in UTC.
 */
const SENT_DAY = `(SELECT COALESCE(
    make_date(
      CASE WHEN length(d[3]) = 2 THEN d[3]::int + CASE WHEN d[3]::int < 50 THEN 2000 ELSE 1900 END
           WHEN length(d[3]) = 3 THEN d[3]::int + 1900 ELSE GREATEST(d[3]::int, 1) END,
      array_position(ARRAY['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec'], lower(d[2])), 1) + (d[1]::int - 1),
    (COALESCE(m.sent_date, m.internal_date) AT TIME ZONE 'UTC')::date)
  FROM (SELECT regexp_match(
    (SELECT h->>'value' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(m.headers) = 'array' THEN m.headers ELSE '[]'::jsonb END) h
      WHERE lower(h->>'key') = 'date' LIMIT 1),
    '(\\d{1,2})\\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\s+(\\d{2,4})', 'i') AS d) x)`;

/** Whether a search needs `search_header`/`search_body` (filled on first use). */
function needsSearchText(key: ImapSearchKey): boolean {
  switch (key.type) {
    case 'header':
    case 'address':
    case 'subject':
    case 'body':
    case 'text':
      return true;
    case 'not':
      return needsSearchText(key.key);
    case 'or':
      return needsSearchText(key.left) || needsSearchText(key.right);
    case 'and':
      return key.keys.some(needsSearchText);
    case 'all':
    case 'uids':
    case 'flag':
    case 'keyword':
    case 'internalDate':
    case 'sentDate':
    case 'size':
    case 'modseq':
    case 'objectId':
      return false;
    default: {
      const never: never = key;
      return never;
    }
  }
}

/** Compiles a search key to a WHERE fragment over `message m`, pushing values onto `params`. */
export function compileSearch(key: ImapSearchKey, params: unknown[]): string {
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // A header field's line in search_header, with the value somewhere after "name:".
  const header = (field: string, value: string) =>
    `m.search_header ~ ${p(`(^|\n)${regexLiteral(foldForSearch(field))}:[^\n]*${regexLiteral(foldForSearch(value))}`)}`;
  const dateCompare = (column: string, op: 'before' | 'on' | 'since', date: Date) => {
    const value = `${p(date.toISOString().slice(0, 10))}::date`;
    return op === 'before' ? `${column} < ${value}` : op === 'on' ? `${column} = ${value}` : `${column} >= ${value}`;
  };
  const body = (value: string) => `position(${p(foldForSearch(value))} IN m.search_body) > 0`;
  switch (key.type) {
    case 'all':
      return 'TRUE';
    case 'uids': {
      if (key.ranges.length === 0) return 'FALSE';
      if (key.ranges.length <= 8) return `(${key.ranges.map((r) => `m.uid BETWEEN ${p(r.from)}::bigint AND ${p(r.to)}::bigint`).join(' OR ')})`;
      return `EXISTS (SELECT 1 FROM unnest(${p(key.ranges.map((r) => r.from))}::bigint[], ${p(key.ranges.map((r) => r.to))}::bigint[]) AS r(lo, hi)
        WHERE m.uid BETWEEN r.lo AND r.hi)`;
    }
    case 'flag':
      return key.set ? `m.${key.flag}` : `NOT m.${key.flag}`;
    case 'keyword':
      return `${key.set ? '' : 'NOT '}(${p(key.keyword)} = ANY(m.keywords))`;
    case 'header':
      return header(key.field, key.value);
    case 'address':
      return header(key.field, key.value);
    case 'subject':
      return header('subject', key.value);
    case 'body':
      return body(key.value);
    case 'text': {
      const needle = p(foldForSearch(key.value));
      return `(position(${needle} IN m.search_header) > 0 OR position(${needle} IN m.search_body) > 0)`;
    }
    case 'internalDate':
      if (key.op === 'older') return `m.internal_date < ${p(key.date)}`;
      if (key.op === 'younger') return `m.internal_date >= ${p(key.date)}`;
      return dateCompare(`(m.internal_date AT TIME ZONE 'UTC')::date`, key.op, key.date);
    case 'sentDate':
      return dateCompare(SENT_DAY, key.op, key.date);
    case 'size':
      return key.op === 'larger' ? `m.size > ${p(key.size)}::bigint` : `m.size < ${p(key.size)}::bigint`;
    case 'modseq':
      return `m.modseq >= ${p(key.modseq)}`;
    case 'objectId':
      return key.kind === 'email' ? `m.email_id = ${p(key.id)}` : `m.thread_id = ${p(key.id)}`;
    case 'not':
      return `NOT (${compileSearch(key.key, params)})`;
    case 'or':
      return `((${compileSearch(key.left, params)}) OR (${compileSearch(key.right, params)}))`;
    case 'and':
      return key.keys.length === 0 ? 'TRUE' : `(${key.keys.map((k) => `(${compileSearch(k, params)})`).join(' AND ')})`;
    default: {
      const never: never = key;
      return never;
    }
  }
}

/** Postgres' int (substring() offsets). */
const INT_MAX = 2_147_483_647;

/** Ascending UIDs without gaps. */
function contiguous(uids: number[]): boolean {
  return uids.length > 1 && uids[uids.length - 1]! - uids[0]! === uids.length - 1;
}

export class ImapRepository {
  constructor(
    private readonly db: Db,
    /** The one lazy search-text filler: a text SEARCH fills the mailbox through it first. */
    private readonly searchIndex: SearchIndexRepository,
    /** The hot reads (SELECT, sync, FETCH) go to `pg` directly with named prepared statements. */
    private readonly pool?: pg.Pool,
  ) {}

  /** One statement on the pool (prepared once per connection under `name`), or through Prisma without one. */
  private async query<T>(name: string | undefined, text: string, values: unknown[]): Promise<T[]> {
    if (this.pool) return (await this.pool.query<T & pg.QueryResultRow>(name ? { name, text, values } : { text, values })).rows;
    return this.db.$queryRawUnsafe<T[]>(text, ...values);
  }

  /** A mailbox by account and name (INBOX case-insensitive), as MailboxRepository.findByName, in one prepared statement. */
  async mailboxByName(accountId: number, name: string): Promise<MailboxInfo | null> {
    const [row] = await this.query<Omit<MailboxInfo, 'uidValidity' | 'highestModseq' | 'totalSize'> & { uidValidity: string; highestModseq: string; totalSize: string }>(
      'mailstead_imap_mailbox_by_name',
      `SELECT id, account_id AS "accountId", name, special_use AS "specialUse", uid_validity::text AS "uidValidity", uid_next AS "uidNext",
              highest_modseq::text AS "highestModseq", subscribed, message_count AS "messageCount", unseen_count AS "unseenCount",
              total_size::text AS "totalSize"
       FROM mailbox WHERE account_id = $1 AND name = $2`,
      [accountId, normalizeMailboxName(name)],
    );
    return row ? { ...row, uidValidity: Number(row.uidValidity), highestModseq: BigInt(row.highestModseq), totalSize: BigInt(row.totalSize) } : null;
  }

  /**
   * What SELECT/EXAMINE starts from, in one statement (one snapshot): every UID ascending, the
   * MODSEQ the list is current for, the first unseen UID, the first `keywordLimit` keywords of
   * the mailbox in order of first use (mailbox_keyword, kept by triggers: no pass over the
   * messages), and, when `claim` (SELECT), the \Recent claim up to the last UID (RFC 3501
   * 2.3.2): `recentFrom` is the watermark it had, null when there was nothing to claim. Without
   * `claim` (EXAMINE) `recentFrom` is the watermark left as it is, so EXAMINE reports the count
   * SELECT would (RFC 3501 6.3.2), null when nothing is above it. Null: no such mailbox.
   */
  async selectView(
    mailboxId: number,
    claim: boolean,
    keywordLimit: number,
  ): Promise<{ uids: number[]; highestModseq: bigint; firstUnseenUid: number | null; recentFrom: number | null; keywords: string[] } | null> {
    const [row] = await this.query<{ modseq: string; uids: number[]; unseen: number | null; previous: number | null; keywords: string[] }>(
      'mailstead_imap_select_view',
      `WITH cur AS (SELECT id, highest_modseq, recent_uid FROM mailbox WHERE id = $1),
       u AS (SELECT COALESCE(array_agg(uid ORDER BY uid), '{}') AS uids, max(uid) AS last FROM message WHERE mailbox_id = $1),
       locked AS (SELECT m.id, m.recent_uid FROM mailbox m, cur, u
                  WHERE $2::boolean AND m.id = cur.id AND u.last IS NOT NULL AND cur.recent_uid < u.last FOR UPDATE OF m),
       upd AS (UPDATE mailbox m SET recent_uid = u.last FROM locked, u WHERE m.id = locked.id AND locked.recent_uid < u.last
               RETURNING locked.recent_uid AS previous)
       SELECT cur.highest_modseq::text AS modseq, u.uids,
              (SELECT min(uid) FROM message WHERE mailbox_id = $1 AND NOT seen) AS unseen, COALESCE((SELECT previous FROM upd),
                       CASE WHEN NOT $2::boolean AND u.last > cur.recent_uid THEN cur.recent_uid END) AS previous,
              array(SELECT keyword FROM mailbox_keyword WHERE mailbox_id = $1 ORDER BY modseq, keyword LIMIT $3) AS keywords
       FROM cur, u`,
      [mailboxId, claim, keywordLimit],
    );
    if (!row) return null;
    return { uids: row.uids, highestModseq: BigInt(row.modseq), firstUnseenUid: row.unseen, recentFrom: row.previous, keywords: row.keywords };
  }

  /** Every UID in the mailbox, ascending, and the MODSEQ that list is current for (one snapshot). */
  async uids(mailboxId: number): Promise<{ uids: number[]; highestModseq: bigint } | null> {
    const [row] = await this.db.$queryRawUnsafe<{ modseq: bigint | null; uids: number[] }[]>(
      `SELECT (SELECT highest_modseq FROM mailbox WHERE id = $1) AS modseq,
              COALESCE(array(SELECT uid FROM message WHERE mailbox_id = $1 ORDER BY uid), '{}') AS uids`,
      mailboxId,
    );
    if (!row || row.modseq === null) return null;
    return { uids: row.uids, highestModseq: row.modseq };
  }

  /** Messages above the \Recent watermark: \Recent for whichever session selects the mailbox next. */
  async recentCount(mailboxId: number): Promise<number> {
    const [row] = await this.db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM message WHERE mailbox_id = $1 AND uid > (SELECT recent_uid FROM mailbox WHERE id = $1)`,
      mailboxId,
    );
    return row?.n ?? 0;
  }

  /** STATUS DELETED (RFC 9051 6.3.11) and DELETED-STORAGE (RFC 9208 4.3): messages flagged \Deleted and their size. */
  async deletedUsage(mailboxId: number): Promise<{ messages: number; bytes: bigint }> {
    const [row] = await this.db.$queryRawUnsafe<{ n: number; bytes: bigint }[]>(
      `SELECT count(*)::int AS n, COALESCE(sum(size), 0)::bigint AS bytes FROM message WHERE mailbox_id = $1 AND deleted`,
      mailboxId,
    );
    return { messages: row?.n ?? 0, bytes: row?.bytes ?? 0n };
  }

  /**
   * Messages changed or added, and UIDs expunged, after `modseq`; one statement, one snapshot.
   * With `claimAbove` (the last UID a read-write session knows), the \Recent watermark is raised
   * in the same statement to the highest new UID: `recentFrom` is the value it had, null when
   * another session had claimed them already (RFC 3501 2.3.2).
   */
  async changesSince(
    mailboxId: number,
    modseq: bigint,
    claimAbove?: number,
  ): Promise<{ highestModseq: bigint; expunged: number[]; changed: ImapMessageFlags[]; recentFrom: number | null } | null> {
    const [row] = await this.query<{
      modseq: string;
      changed: [number, string, boolean, boolean, boolean, boolean, boolean, string[]][];
      expunged: number[];
      previous: number | null;
    }>(
      'mailstead_imap_changes_since',
      `WITH cur AS (SELECT id, highest_modseq, recent_uid FROM mailbox WHERE id = $1),
       ch AS (SELECT uid, modseq, seen, answered, flagged, deleted, draft, keywords FROM message WHERE mailbox_id = $1 AND modseq > $2::bigint),
       top AS (SELECT max(uid) AS last FROM ch WHERE $3::bigint IS NOT NULL AND uid > $3::bigint),
       locked AS (SELECT m.id, m.recent_uid FROM mailbox m, cur, top
                  WHERE m.id = cur.id AND top.last IS NOT NULL AND cur.recent_uid < top.last FOR UPDATE OF m),
       upd AS (UPDATE mailbox m SET recent_uid = top.last FROM locked, top WHERE m.id = locked.id AND locked.recent_uid < top.last
               RETURNING locked.recent_uid AS previous)
       SELECT cur.highest_modseq::text AS modseq,
              (SELECT COALESCE(json_agg(json_build_array(uid, modseq::text, seen, answered, flagged, deleted, draft, keywords) ORDER BY uid), '[]')
                 FROM ch) AS changed,
              (SELECT COALESCE(array_agg(uid ORDER BY uid), '{}') FROM expunged WHERE mailbox_id = $1 AND modseq > $2::bigint) AS expunged,
              (SELECT previous FROM upd) AS previous
       FROM cur`,
      [mailboxId, String(modseq), claimAbove ?? null],
    );
    if (!row) return null;
    const changed = row.changed.map(([uid, m, seen, answered, flagged, deleted, draft, keywords]) => ({
      uid,
      modseq: BigInt(m),
      flags: flagList({ seen, answered, flagged, deleted, draft, keywords }),
    }));
    return { highestModseq: BigInt(row.modseq), expunged: row.expunged, changed, recentFrom: row.previous };
  }

  async fetchMeta(mailboxId: number, uids: number[], fields: ReadonlySet<ImapMetaField>): Promise<ImapMessageMeta[]> {
    if (uids.length === 0) return [];
    const columns = [FLAG_COLUMNS_TEXT, 'blob_id'];
    if (fields.has('internalDate')) columns.push('internal_date');
    if (fields.has('size')) columns.push('size');
    if (fields.has('envelope')) columns.push('envelope');
    if (fields.has('bodyStructure')) columns.push('body_structure');
    const range = contiguous(uids);
    const rows = await this.query<Omit<FlagRow, 'modseq'> & { modseq: string; blob_id: string; internal_date?: Date; size?: number; envelope?: ImapEnvelope; body_structure?: BodyPart }>(
      `mailstead_imap_meta_b_${range ? 'r' : 'a'}_${(['internalDate', 'size', 'envelope', 'bodyStructure'] as const).map((f) => (fields.has(f) ? 1 : 0)).join('')}`,
      // A contiguous UID run (the usual 1:* case) is a plain index range scan.
      range
        ? `SELECT ${columns.join(', ')} FROM message WHERE mailbox_id = $1 AND uid BETWEEN $2::bigint AND $3::bigint ORDER BY uid`
        : `SELECT ${columns.join(', ')} FROM message WHERE mailbox_id = $1 AND uid = ANY($2::bigint[]) ORDER BY uid`,
      range ? [mailboxId, uids[0], uids[uids.length - 1]] : [mailboxId, uids],
    );
    return rows.map((r) => ({
      uid: r.uid,
      modseq: BigInt(r.modseq),
      flags: flagList(r.keywords ? r : { ...r, keywords: [] }),
      blobId: r.blob_id,
      internalDate: r.internal_date,
      size: r.size,
      envelope: r.envelope,
      bodyStructure: r.body_structure,
    }));
  }

  /**
   * FETCH's flags-only path (`FETCH 1:* (UID FLAGS)`): the messages among `uids` (ascending) as
   * parallel arrays, aggregated by Postgres into one JSON value, because `pg` parsing eight
   * columns of 100,000 rows cost more than everything else in that FETCH. A dense batch is one
   * UID range scan, filtered here to the UIDs asked for.
   */
  async fetchFlags(mailboxId: number, uids: readonly number[], withModseq: boolean): Promise<ImapFlagBatch> {
    if (uids.length === 0) return { uids: [], systemFlags: [], keywords: [] };
    const first = uids[0]!;
    const last = uids[uids.length - 1]!;
    const dense = last - first < 2 * uids.length;
    const [row] = await this.query<{ batch: string }>(
      `mailstead_imap_flags_${dense ? 'r' : 'a'}${withModseq ? '_m' : ''}`,
      `SELECT json_build_array(
         json_agg(uid ORDER BY uid),
         json_agg(seen::int + 2 * answered::int + 4 * flagged::int + 8 * deleted::int + 16 * draft::int ORDER BY uid),
         json_agg(NULLIF(array_to_string(keywords, ' '), '') ORDER BY uid)${withModseq ? ', json_agg(modseq::text ORDER BY uid)' : ''})::text AS batch
       FROM message WHERE mailbox_id = $1 AND ${dense ? 'uid BETWEEN $2::bigint AND $3::bigint' : 'uid = ANY($2::bigint[])'}`,
      dense ? [mailboxId, first, last] : [mailboxId, uids],
    );
    const [gotUids, systemFlags, keywords, modseqs] = JSON.parse(row!.batch) as [number[] | null, number[] | null, (string | null)[] | null, string[] | null | undefined];
    const out: ImapFlagBatch = { uids: gotUids ?? [], systemFlags: systemFlags ?? [], keywords: keywords ?? [] };
    if (withModseq) out.modseqs = modseqs ?? [];
    // A contiguous batch asked for every UID of its range; otherwise the range may hold others.
    return dense && last - first + 1 !== uids.length ? onlyUids(out, uids) : out;
  }

  /**
   * Bytes [start, end) of a message's raw source, read from its blob (ImapMessageMeta.blobId)
   * without loading the rest. Null only when no such blob exists.
   */
  async fetchBytes(blobId: string, start?: number, end?: number): Promise<Buffer | null> {
    // substring() takes int offsets; a bytea is at most 1 GB, so clamping to 2^31-1 changes nothing
    // but keeps a partial fetch of `<3000000000.10>` (RFC 3501 6.4.5) from failing the cast.
    const from = Math.min(Math.max(0, start ?? 0), INT_MAX - 1);
    const rows =
      end === undefined
        ? await this.query<{ data: Uint8Array }>('mailstead_imap_blob_from', 'SELECT substring(data FROM $2::int) AS data FROM blob WHERE id = $1', [blobId, from + 1])
        : await this.query<{ data: Uint8Array }>('mailstead_imap_blob_range', 'SELECT substring(data FROM $2::int FOR $3::int) AS data FROM blob WHERE id = $1', [
            blobId,
            from + 1,
            Math.min(INT_MAX, Math.max(0, end - from)),
          ]);
    const data = rows[0]?.data;
    return data ? Buffer.from(data) : null;
  }

  /** Header bytes [0, body start) of several messages in one statement (the body start is in body_structure). */
  async fetchHeaders(mailboxId: number, uids: number[]): Promise<Map<number, Buffer>> {
    if (uids.length === 0) return new Map();
    const rows = await this.query<{ uid: number; data: Uint8Array }>(
      'mailstead_imap_headers',
      `SELECT m.uid, substring(b.data FROM 1 FOR COALESCE((m.body_structure->>'bodyStart')::int, b.size)) AS data
       FROM message m JOIN blob b ON b.id = m.blob_id WHERE m.mailbox_id = $1 AND m.uid = ANY($2::bigint[])`,
      [mailboxId, uids],
    );
    return new Map(rows.map((r) => [r.uid, Buffer.from(r.data)]));
  }

  async search(mailboxId: number, key: ImapSearchKey): Promise<number[]> {
    // The lazy fill of search_header/search_body (search-index.repository.ts), without a budget:
    // an IMAP SEARCH has no way to say "partial, still indexing" (RFC 9051 6.4.4), so the whole
    // mailbox is filled before the query runs; rows another session is filling are waited for.
    if (needsSearchText(key)) await this.searchIndex.fillScope({ mailboxId });
    const params: unknown[] = [mailboxId];
    const where = compileSearch(key, params);
    // The text differs per search: not a named statement. BigInt values (MODSEQ) go as text.
    const rows = await this.query<{ uid: number }>(
      undefined,
      `SELECT m.uid FROM message m WHERE m.mailbox_id = $1 AND (${where}) ORDER BY m.uid`,
      params.map((v) => (typeof v === 'bigint' ? v.toString() : v)),
    );
    return rows.map((r) => r.uid);
  }
}
