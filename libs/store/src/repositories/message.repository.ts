import { createHash } from 'node:crypto';
import { parseMessage, type ParsedMessage } from '@mailstead/mime';
import type pg from 'pg';
import type { Db, Tx } from '../prisma';
import { CHANGE_CHANNEL, encodeChange, type ChangeKind } from '../change-feed';
import { notFound, StoreError } from '../errors';
import { MAILBOX_DELIMITER, normalizeMailboxName } from './mailbox.repository';

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
  /** parseMessage(raw), when the caller has it already (SMTP parses once for all copies) */
  parsed?: ParsedMessage;
}

/**
 * Account-wide limits an insert is checked against in the same statement as the storage quota
 * (account.quota_bytes). They come from the caller because they are configuration, not data:
 * the IMAP role passes MAILSTEAD_IMAP_MESSAGE_QUOTA through ImapMailStore, SMTP and the
 * webmail API pass it with each delivery, append and copy.
 */
export interface InsertLimits {
  /** QUOTA MESSAGE (RFC 9208 5.2): most messages the account may hold in all its mailboxes; 0 or unset = no limit. */
  messageLimit?: number;
}

export interface DeliveryTarget {
  mailboxId: number;
  flags?: readonly string[];
  /**
   * The account's mailbox by this name instead of `mailboxId`, created in the delivery's own
   * transaction when it does not exist yet (Sieve `fileinto :create`, RFC 5490 3.2).
   */
  create?: { accountId: number; name: string };
}

/**
 * A vacation reply that may be sent only if none went to `sender` under `handle` for this
 * account since `until` was last set (RFC 5230 4.2): recorded (or refreshed, once expired) in
 * the delivery's transaction, and its part is left out when a current record already exists.
 */
export interface VacationClaim {
  accountId: number;
  handle: string;
  sender: string;
  until: Date;
}

/** Rows the delivery writes in its transaction besides the copies: Sieve's duplicate ids (RFC 7352 3). */
export interface DeliveryRecords {
  duplicates?: { accountId: number; key: string; until: Date }[];
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
  /** Checked for each local copy in the statement that inserts it (the storage quota always is). */
  limits?: InsertLimits;
  /**
   * A local copy over a limit is left out instead of failing the whole batch: a mailing list
   * member's copy, whose fullness must not hold up the post for the other members.
   */
  skipOverQuota?: boolean;
  /** This part (a vacation reply) is delivered only when the claim is won; see VacationClaim. */
  vacationClaim?: VacationClaim;
  /**
   * This part (the notice of a Sieve script's error) is delivered only if this transaction is
   * the one that marks the script version's error as reported: one notice per version.
   */
  scriptErrorClaim?: { scriptId: number; version: number };
}

export interface DeliveryResult {
  stored: AppendedMessage[];
  outboundIds: bigint[];
  blobId: string;
  /** its vacation claim was lost (a reply is still current): nothing of this part was written */
  claimLost?: boolean;
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

function prepare(item: AppendItem): Prepared {
  return {
    raw: item.raw,
    blobId: createHash('sha256').update(item.raw).digest('hex'),
    parsed: item.parsed ?? parseMessage(item.raw),
    flags: parseFlags(item.flags ?? []),
    internalDate: item.internalDate ?? new Date(),
  };
}

async function notify(tx: Tx, accountId: number, mailboxId: number, modseq: bigint, kind: ChangeKind): Promise<void> {
  await tx.$executeRawUnsafe('SELECT pg_notify($1, $2)', CHANGE_CHANNEL, encodeChange({ accountId, mailboxId, modseq: modseq.toString(), kind }));
}

const formatAddresses = (list: { name: string | null; address: string | null }[]) =>
  list.map((a) => [a.name, a.address && `<${a.address}>`].filter(Boolean).join(' ')).join(', ');

/** One connection of the pool with a transaction open on it (the hot insert path, see below). */
type Sql = Pick<pg.PoolClient, 'query'>;

/**
 * Runs `work` in one transaction on one pooled connection: BEGIN, work, COMMIT. Resolves only
 * after COMMIT returned, so callers (SMTP's 250, IMAP APPEND's OK) answer for durable data; any
 * error rolls back and is rethrown. A connection whose ROLLBACK fails is discarded, not reused.
 */
async function inTransaction<T>(pool: pg.Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollback: unknown) => {
      broken = rollback instanceof Error ? rollback : new Error(String(rollback));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

function byDestinationDomain(recipients: readonly OutboundRecipientInput[]): Map<string, OutboundRecipientInput[]> {
  const byDomain = new Map<string, OutboundRecipientInput[]>();
  for (const r of recipients) {
    const domain = r.address.slice(r.address.lastIndexOf('@') + 1).toLowerCase();
    byDomain.set(domain, [...(byDomain.get(domain) ?? []), r]);
  }
  return byDomain;
}

/**
 * JSON for Postgres: the message fields travel as one jsonb parameter, and jsonb refuses
 * U+0000 and lone surrogates, which a text parameter would have turned into U+FFFD on the way.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function pgJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '').replace(LONE_SURROGATE, '\ufffd') : v));
}

const INSERT_BLOB = 'INSERT INTO blob (id, size, data) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING';

/** RFC 7352 3: a duplicate id seen by a delivered message, kept until the later of the two expiries. */
const RECORD_DUPLICATE = `INSERT INTO sieve_duplicate (account_id, key, until) VALUES ($1, $2, $3)
  ON CONFLICT (account_id, key) DO UPDATE SET until = GREATEST(sieve_duplicate.until, EXCLUDED.until)`;

/**
 * Records a vacation reply to `sender`, or refreshes an expired record; false when a current
 * one exists (a reply went out within :days/:seconds). The row lock makes two deliveries racing
 * for the same sender answer once: the second waits for the first's COMMIT and then loses.
 */
async function claimVacation(sql: Sql | pg.Pool, claim: VacationClaim): Promise<boolean> {
  const { rowCount } = await sql.query(
    `INSERT INTO sieve_vacation_reply (account_id, handle, sender, until) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, handle, sender) DO UPDATE SET until = EXCLUDED.until WHERE sieve_vacation_reply.until <= now()`,
    [claim.accountId, claim.handle, claim.sender.toLowerCase(), claim.until],
  );
  return rowCount === 1;
}

/** Marks a script version's error as reported; false when it already was (or the script changed since). */
async function claimScriptReport(sql: Sql | pg.Pool, claim: { scriptId: number; version: number }): Promise<boolean> {
  const { rowCount } = await sql.query('UPDATE sieve_script SET reported_version = $2 WHERE id = $1 AND version = $2 AND (reported_version IS NULL OR reported_version < $2)', [claim.scriptId, claim.version]);
  return rowCount === 1;
}

/**
 * The account's mailbox `name`, created when missing (Sieve fileinto :create), with its
 * UIDVALIDITY from the account's high-water mark as MailboxRepository.create takes it, and a
 * change notification (delivered at COMMIT, as NOTIFY is).
 */
async function findOrCreateMailbox(sql: Sql | pg.Pool, accountId: number, name: string): Promise<number> {
  const normalized = normalizeMailboxName(name);
  const existing = await sql.query<{ id: number }>('SELECT id FROM mailbox WHERE account_id = $1 AND name = $2', [accountId, normalized]);
  if (existing.rows[0]) return existing.rows[0].id;
  if (!normalized || normalized.length > 1000 || normalized.split(MAILBOX_DELIMITER).some((p) => p === '') || /[\x00-\x1f\x7f]/.test(normalized)) {
    throw new StoreError('invalid', `invalid mailbox name "${name}"`);
  }
  const { rows } = await sql.query<{ id: number; highest_modseq: string }>(
    `WITH a AS (UPDATE account SET uid_validity_high = GREATEST(uid_validity_high + 1, $3::bigint) WHERE id = $1 RETURNING uid_validity_high)
     INSERT INTO mailbox (account_id, name, uid_validity) SELECT $1, $2, uid_validity_high FROM a
     ON CONFLICT (account_id, name) DO NOTHING RETURNING id, highest_modseq::text`,
    [accountId, normalized, Math.floor(Date.now() / 1000)],
  );
  const created = rows[0];
  if (!created) {
    // created by a concurrent delivery that committed meanwhile: a new statement sees it
    const again = await sql.query<{ id: number }>('SELECT id FROM mailbox WHERE account_id = $1 AND name = $2', [accountId, normalized]);
    if (!again.rows[0]) throw notFound(`mailbox ${name}`);
    return again.rows[0].id;
  }
  await sql.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, encodeChange({ accountId, mailboxId: created.id, modseq: created.highest_modseq, kind: 'mailbox' })]);
  return created.id;
}

/**
 * UID/MODSEQ allocation, counters, quota charge, the message rows of one mailbox, the NOTIFY
 * and (optionally) the blob, in ONE statement (docs/architecture.md):
 * - the mailbox row is locked first (FOR UPDATE, held until COMMIT), then the account is
 *   charged, in the same order as every other writer (copy, expunge), so they cannot deadlock;
 *   concurrent writers in any process never share a UID;
 * - over quota, `charged` is empty and so is everything after it: the statement changes
 *   nothing and answers charged = false (the caller rolls back a larger transaction);
 * - with a message limit ($7 > 0) the account's message count (the sum of its mailboxes'
 *   message_count) + $2 must stay within it. That sum is read from the statement's snapshot,
 *   which can be older than the account row the UPDATE charges: under READ COMMITTED Postgres
 *   rechecks the WHERE on the newest account row (after waiting for its writer, if any), but
 *   the sub-selects still read the snapshot. Every writer that adds messages charges the account
 *   row before it commits, so when the newest account row is the one the snapshot sees (same
 *   xmin), nothing was committed since and the sum is exact; when it is not, the statement
 *   refuses (charged = false) and insertMessages runs it again behind LOCK_ACCOUNT, where it is
 *   exact. Without a limit the CASE skips both sub-selects;
 * - the blob is inserted in the same statement, so a single-mailbox delivery is one statement
 *   and commits as such (the foreign key from message to blob is checked at its end);
 * - NOTIFY is transactional and reaches listeners only at COMMIT. Its payload is
 *   encodeChange's JSON (change-feed.ts), built here because the MODSEQ is only known inside.
 * - `search_vector` (webmail full text) stays NULL: to_tsvector and its GIN insert were most of
 *   Postgres' cost per delivery. It is filled later, as Dovecot indexes lazily: by the worker's
 *   periodic filler, and by a webmail search before it reads the vectors (search-index.repository.ts).
 * Parameters: $1 mailbox, $2 count, $3 unseen, $4 bytes, $5 rows as JSON, $6 NOTIFY channel,
 * $7 message limit (0 = none), [$8 blob id, $9 blob size, $10 blob bytes].
 */
function insertMessagesSql(withBlob: boolean): string {
  return `WITH locked AS (SELECT id, account_id FROM mailbox WHERE id = $1 FOR UPDATE),
  charged AS (
    UPDATE account a SET used_bytes = a.used_bytes + $4 FROM locked
    WHERE a.id = locked.account_id AND (a.quota_bytes = 0 OR a.used_bytes + $4 <= a.quota_bytes)
      AND CASE WHEN $7::int = 0 THEN true
        ELSE a.xmin = (SELECT s.xmin FROM account s WHERE s.id = locked.account_id)
          AND (SELECT COALESCE(sum(b.message_count), 0) FROM mailbox b WHERE b.account_id = locked.account_id) + $2 <= $7::int END
    RETURNING a.id),
  box AS (
    UPDATE mailbox m SET uid_next = m.uid_next + $2, highest_modseq = m.highest_modseq + 1,
      message_count = m.message_count + $2, unseen_count = m.unseen_count + $3, total_size = m.total_size + $4
    FROM charged WHERE m.id = $1 RETURNING m.uid_next - $2 AS first_uid, m.highest_modseq AS modseq),${withBlob ? `
  blob_row AS (INSERT INTO blob (id, size, data) SELECT $8::text, $9::int, $10::bytea FROM box ON CONFLICT (id) DO NOTHING),` : ''}
  item AS (
    SELECT * FROM jsonb_to_recordset($5::jsonb) AS x(i int, thread_id bigint, seen boolean, answered boolean, flagged boolean,
      deleted boolean, draft boolean, keywords text[], internal_date timestamptz, size int, blob_id text, subject text,
      from_address text, from_name text, to_addresses text, cc_addresses text, sent_date timestamptz, message_id_hdr text,
      in_reply_to text, "references" text[], has_attachments boolean, preview text, headers jsonb, envelope jsonb,
      body_structure jsonb)),
  ids AS (SELECT item.*, nextval(pg_get_serial_sequence('message', 'id')) AS id FROM item, box),
  inserted AS (
    INSERT INTO message (id, mailbox_id, uid, modseq, email_id, thread_id, seen, answered, flagged, deleted, draft, keywords,
      internal_date, size, blob_id, subject, from_address, from_name, to_addresses, cc_addresses, sent_date, message_id_hdr,
      in_reply_to, "references", has_attachments, preview, headers, envelope, body_structure)
    SELECT ids.id, $1, box.first_uid + ids.i, box.modseq, ids.id, COALESCE(ids.thread_id, ids.id), ids.seen, ids.answered,
      ids.flagged, ids.deleted, ids.draft, COALESCE(ids.keywords, '{}'), ids.internal_date, ids.size, ids.blob_id, ids.subject,
      ids.from_address, ids.from_name, ids.to_addresses, ids.cc_addresses, ids.sent_date, ids.message_id_hdr, ids.in_reply_to,
      COALESCE(ids."references", '{}'), ids.has_attachments, ids.preview, ids.headers, ids.envelope, ids.body_structure
    FROM ids, box
    RETURNING id, uid)
  SELECT locked.account_id, box.modseq::text AS modseq, box.modseq IS NOT NULL AS charged,
    (SELECT json_agg(json_build_array(inserted.id::text, inserted.uid) ORDER BY inserted.uid) FROM inserted) AS rows,
    CASE WHEN box.modseq IS NOT NULL
      THEN pg_notify($6, json_build_object('a', locked.account_id, 'm', $1::int, 's', box.modseq::text, 'k', 'append')::text) END AS notified
  FROM locked LEFT JOIN box ON true`;
}

/** Named, so each connection parses and plans them once. */
const INSERT_MESSAGES = { name: 'mailstead_insert_messages', text: insertMessagesSql(false) };
const INSERT_MESSAGES_WITH_BLOB = { name: 'mailstead_insert_messages_blob', text: insertMessagesSql(true) };

/**
 * Locks the mailbox, then its account (the order every writer uses), until COMMIT. An insert
 * statement that starts after this reads a snapshot in which no other writer can have a newer
 * account row, so its message-count check is exact (see insertMessagesSql).
 */
const LOCK_ACCOUNT = {
  name: 'mailstead_lock_mailbox_account',
  text: `WITH box AS (SELECT account_id FROM mailbox WHERE id = $1 FOR UPDATE)
  SELECT a.id FROM account a WHERE a.id = (SELECT account_id FROM box) FOR UPDATE OF a`,
};

interface MailboxInsert {
  mailboxId: number;
  prepared: Prepared[];
  /** the blob goes in with the rows (the first statement that needs it) */
  blob: Prepared | null;
  threads: (bigint | undefined)[];
  /** InsertLimits.messageLimit, 0 = none */
  messageLimit: number;
}

export class MessageRepository {
  constructor(
    private readonly db: Db,
    /** The pool under `db`: the insert path runs raw SQL on it (see inTransaction). */
    private readonly pool: pg.Pool,
  ) {}

  /**
   * Appends messages to one mailbox atomically (MULTIAPPEND): all get consecutive UIDs and
   * one new MODSEQ, or none is stored. UIDs come from the mailbox row, locked by the UPDATE,
   * so concurrent writers in any process never share a UID. Over the account's storage quota
   * or `limits.messageLimit` (counted over all its mailboxes, concurrent writers included)
   * nothing is stored and it throws StoreError('over_quota').
   */
  async append(mailboxId: number, items: AppendItem[], limits: InsertLimits = {}): Promise<AppendedMessage[]> {
    const prepared = items.map(prepare);
    if (prepared.length === 0) return [];
    const blobs = [...new Map(prepared.map((p) => [p.blobId, p])).values()];
    const insert: MailboxInsert = {
      mailboxId,
      prepared,
      blob: blobs.length === 1 ? blobs[0]! : null,
      threads: await this.threadsOf(this.pool, mailboxId, prepared),
      messageLimit: limits.messageLimit ?? 0,
    };
    if (insert.blob) return this.insertMessages(this.pool, insert);
    return inTransaction(this.pool, async (sql) => {
      for (const blob of blobs) await sql.query(INSERT_BLOB, [blob.blobId, blob.raw.length, blob.raw]);
      return this.insertMessages(sql, insert, true);
    });
  }

  /**
   * Stores one message for all its recipients in one transaction (docs/architecture.md, "Flows"): one
   * parse, one blob, a copy per local mailbox, and one outbound row per remote destination
   * domain. Either all of it commits or none of it does; only then may SMTP answer 250.
   */
  async deliver(raw: Buffer, targets: DeliveryTarget[], options: DeliveryOptions = {}): Promise<DeliveryResult> {
    const [result] = await this.deliverBatch([{ raw, targets, options }]);
    return result!;
  }

  /**
   * Several versions of one incoming message (say, the direct copy and a mailing list's copy
   * with its List-* headers and its own envelope sender) delivered in ONE transaction, so
   * SMTP can still answer 250 only when all of it is stored, or 451 with nothing stored.
   *
   * This is the SMTP hot path, so it runs on `pg` directly rather than through a Prisma
   * interactive transaction: one statement per mailbox (blob, UIDs, quota, rows and NOTIFY
   * together, see insertMessagesSql) and one per outbound row, between BEGIN and COMMIT; a
   * delivery that is a single statement (one mailbox, no remote recipients) runs as that one
   * statement, which is its own transaction: the result arrives after its COMMIT.
   *
   * Quotas: every copy is checked against the storage quota, and against `options.limits`
   * (MAILSTEAD_IMAP_MESSAGE_QUOTA, which SMTP and the webmail pass) in the statement that
   * inserts it, so a delivery racing another writer cannot take an account past either. A copy
   * over a limit fails the whole batch with over_quota (SMTP answers 452 4.2.2 for it, nothing
   * stored), unless its part says `skipOverQuota` (list members' copies): then that copy alone
   * is left out and the rest commits. SMTP refuses full recipients at RCPT already (the count
   * comes with the recipient lookup), so this is the race between RCPT and DATA.
   */
  async deliverBatch(
    parts: { raw: Buffer; parsed?: ParsedMessage; targets: DeliveryTarget[]; options?: DeliveryOptions }[],
    records: DeliveryRecords = {},
  ): Promise<DeliveryResult[]> {
    const plans = await Promise.all(
      parts.map(async (p) => {
        const base = prepare({ raw: p.raw, parsed: p.parsed, internalDate: p.options?.internalDate });
        const threads = new Map<number, bigint | undefined>();
        // a mailbox created in the transaction has no threads yet; an existing one by that name is looked up there
        for (const t of p.targets) if (!t.create && !threads.has(t.mailboxId)) threads.set(t.mailboxId, (await this.threadsOf(this.pool, t.mailboxId, [base]))[0]);
        return { part: p, base, threads, byDomain: byDestinationDomain(p.options?.outbound?.recipients ?? []) };
      }),
    );
    const creates = plans.reduce((n, p) => n + p.part.targets.filter((t) => t.create).length, 0);
    const claims = plans.filter((p) => p.part.options?.vacationClaim || p.part.options?.scriptErrorClaim).length;
    const duplicates = records.duplicates ?? [];
    const statements = plans.reduce((n, p) => n + p.part.targets.length + p.byDomain.size, 0) + creates + claims + duplicates.length;
    const run = async (sql: Sql | pg.Pool, inTx: boolean): Promise<DeliveryResult[]> => {
      // RFC 5230 4.2: a reply goes out only when this transaction wins its sender's record
      const lost = new Set<number>();
      for (const [index, { part }] of plans.entries()) {
        const claim = part.options?.vacationClaim;
        if (claim && !(await claimVacation(sql, claim))) lost.add(index);
        const report = part.options?.scriptErrorClaim;
        if (report && !lost.has(index) && !(await claimScriptReport(sql, report))) lost.add(index);
      }
      const targetsOf = new Map<number, { mailboxId: number; flags?: readonly string[] }[]>();
      for (const [index, { part, threads }] of plans.entries()) {
        if (lost.has(index)) continue;
        const resolved: { mailboxId: number; flags?: readonly string[] }[] = [];
        for (const t of part.targets) {
          if (!t.create) {
            resolved.push(t);
            continue;
          }
          const mailboxId = await findOrCreateMailbox(sql, t.create.accountId, t.create.name);
          if (!threads.has(mailboxId)) threads.set(mailboxId, undefined);
          resolved.push({ mailboxId, flags: t.flags });
        }
        targetsOf.set(index, resolved);
      }
      // Every local recipient's copy is a part of its own, so the mailboxes are locked in id order
      // across all parts: ordered within each part only, two deliveries to A and B given in
      // opposite RCPT order would each hold one mailbox (and account) and wait for the other.
      const inserts = plans
        .flatMap((plan, index) => (targetsOf.get(index) ?? []).map((target) => ({ plan, index, target })))
        .sort((a, b) => a.target.mailboxId - b.target.mailboxId);
      const results: DeliveryResult[] = [];
      const blobsWritten = new Set<string>();
      const storedByPart = plans.map((): AppendedMessage[] => []);
      for (const { plan, index, target } of inserts) {
        const { base, threads, part } = plan;
        const blob = blobsWritten.has(base.blobId) ? null : base;
        const prepared = [{ ...base, flags: parseFlags(target.flags ?? []) }];
        const insert = { mailboxId: target.mailboxId, prepared, blob, threads: [threads.get(target.mailboxId)], messageLimit: part.options?.limits?.messageLimit ?? 0 };
        try {
          storedByPart[index]!.push(...(await this.insertMessages(sql, insert, inTx)));
        } catch (error) {
          // A refused insert changed nothing and raised no SQL error, so the transaction goes on.
          if (part.options?.skipOverQuota && error instanceof StoreError && error.code === 'over_quota') continue;
          throw error;
        }
        blobsWritten.add(base.blobId);
      }
      for (const [index, { part, base, byDomain }] of plans.entries()) {
        if (lost.has(index)) {
          results.push({ stored: [], outboundIds: [], blobId: base.blobId, claimLost: true });
          continue;
        }
        const stored = storedByPart[index]!;
        const outbound = part.options?.outbound;
        if (byDomain.size > 0 && !blobsWritten.has(base.blobId)) {
          await sql.query(INSERT_BLOB, [base.blobId, part.raw.length, part.raw]);
          blobsWritten.add(base.blobId);
        }
        const outboundIds: bigint[] = [];
        for (const [domain, recipients] of byDomain) {
          const { rows } = await sql.query<{ id: string }>(
            // The columns keep milliseconds and Postgres rounds now() to them, so a default of
            // now() can be half a millisecond ahead of the clock: a worker claiming at once
            // (with its own, later `now`) would find the row not yet due. Truncated, it never is.
            `WITH o AS (INSERT INTO outbound (blob_id, sender, domain, dsn_envelope_id, dsn_return, next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, date_trunc('milliseconds', now()), date_trunc('milliseconds', now())) RETURNING id),
               r AS (INSERT INTO outbound_recipient (outbound_id, address, notify, orcpt)
                 SELECT o.id, x.address, COALESCE(x.notify, '{}'), x.orcpt FROM o, jsonb_to_recordset($6::jsonb) AS x(address text, notify text[], orcpt text))
             SELECT id::text AS id FROM o`,
            [
              base.blobId,
              outbound!.sender,
              domain,
              outbound!.envelopeId ?? null,
              outbound!.ret ?? null,
              pgJson(recipients.map((r) => ({ address: r.address, notify: r.notify ?? [], orcpt: r.orcpt ?? null }))),
            ],
          );
          outboundIds.push(BigInt(rows[0]!.id));
        }
        results.push({ stored, outboundIds, blobId: base.blobId });
      }
      for (const d of duplicates) await sql.query(RECORD_DUPLICATE, [d.accountId, d.key, d.until]);
      return results;
    };
    if (statements === 0) return plans.map((p) => ({ stored: [], outboundIds: [], blobId: p.base.blobId }));
    return statements === 1 ? run(this.pool, false) : inTransaction(this.pool, (sql) => run(sql, true));
  }

  /**
   * One INSERT_MESSAGES statement; throws over_quota (nothing changed) when the account is full.
   * With a message limit, a refusal may only mean the count was stale (see insertMessagesSql):
   * the statement then runs once more behind LOCK_ACCOUNT (in a transaction of its own unless
   * `sql` already is one), and that answer is final. Uncontended appends stay one statement.
   */
  private async insertMessages(sql: Sql | pg.Pool, insert: MailboxInsert, inTx = false): Promise<AppendedMessage[]> {
    const { mailboxId, prepared, blob, threads, messageLimit } = insert;
    const totalSize = prepared.reduce((n, p) => n + p.raw.length, 0);
    const unseen = prepared.filter((p) => !p.flags.seen).length;
    const items = prepared.map((p, i) => {
      const m = p.parsed;
      return {
        i,
        thread_id: threads[i]?.toString() ?? null,
        seen: p.flags.seen,
        answered: p.flags.answered,
        flagged: p.flags.flagged,
        deleted: p.flags.deleted,
        draft: p.flags.draft,
        keywords: p.flags.keywords,
        internal_date: p.internalDate.toISOString(),
        size: p.raw.length,
        blob_id: p.blobId,
        subject: m.subject,
        from_address: m.from[0]?.address ?? '',
        from_name: m.from[0]?.name ?? '',
        to_addresses: formatAddresses(m.to),
        cc_addresses: formatAddresses(m.cc),
        sent_date: m.date && !Number.isNaN(m.date.getTime()) ? m.date.toISOString() : null,
        message_id_hdr: m.messageId,
        in_reply_to: m.inReplyTo,
        references: m.references,
        has_attachments: m.hasAttachments,
        preview: m.preview,
        headers: m.headers,
        envelope: m.envelope,
        body_structure: m.body,
      };
    });
    const values: unknown[] = [mailboxId, prepared.length, unseen, totalSize, pgJson(items), CHANGE_CHANNEL, messageLimit];
    if (blob) values.push(blob.blobId, blob.raw.length, blob.raw);
    const attempt = async (on: Sql | pg.Pool) => {
      const { rows } = await on.query<{ account_id: number; modseq: string | null; charged: boolean; rows: [string, number][] | null }>({
        ...(blob ? INSERT_MESSAGES_WITH_BLOB : INSERT_MESSAGES),
        values,
      });
      const row = rows[0];
      if (!row) throw notFound(`mailbox ${mailboxId}`);
      return row;
    };
    let box = await attempt(sql);
    if (!box.charged && messageLimit > 0) {
      const locked = async (on: Sql) => {
        await on.query({ ...LOCK_ACCOUNT, values: [mailboxId] });
        return attempt(on);
      };
      box = inTx ? await locked(sql) : await inTransaction(this.pool, locked);
    }
    if (!box.charged || box.modseq === null) throw new StoreError('over_quota', 'mailbox quota exceeded');
    const modseq = BigInt(box.modseq);
    return (box.rows ?? []).map(([id, uid]) => ({ id: BigInt(id), mailboxId, uid, modseq }));
  }

  /** Thread of each message: that of the first message it refers to (In-Reply-To, References) in the same account. */
  private async threadsOf(sql: Sql | pg.Pool, mailboxId: number, prepared: Prepared[]): Promise<(bigint | undefined)[]> {
    return Promise.all(
      prepared.map(async ({ parsed: m }) => {
        const refs = [...new Set([m.inReplyTo, ...m.references].filter((r): r is string => Boolean(r)))];
        if (refs.length === 0) return undefined;
        const { rows } = await sql.query<{ thread_id: string }>(
          `SELECT m.thread_id::text AS thread_id FROM message m JOIN mailbox b ON b.id = m.mailbox_id
           WHERE b.account_id = (SELECT account_id FROM mailbox WHERE id = $1) AND m.message_id_hdr = ANY($2::text[]) ORDER BY m.id LIMIT 1`,
          [mailboxId, refs],
        );
        return rows[0] ? BigInt(rows[0].thread_id) : undefined;
      }),
    );
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
    // One statement (one round trip, autocommitted): see UPDATE_FLAGS.
    const { rows } = await this.pool.query<{ modseq: string; changed: [number, boolean, boolean, boolean, boolean, boolean, string[]][] | null; modified: number[] | null }>({
      ...UPDATE_FLAGS,
      values: [
        mailboxId, uids, mode, wanted.seen, wanted.answered, wanted.flagged, wanted.deleted, wanted.draft, wanted.keywords,
        unchangedSince === undefined ? null : String(unchangedSince), CHANGE_CHANNEL,
      ],
    });
    const row = rows[0];
    if (!row) throw notFound(`mailbox ${mailboxId}`);
    const modseq = BigInt(row.modseq);
    const changed = (row.changed ?? []).map(([uid, seen, answered, flagged, deleted, draft, keywords]) => ({
      uid,
      modseq,
      flags: flagList({ seen, answered, flagged, deleted, draft, keywords }),
    }));
    return { changed, modified: row.modified ?? [] };
  }

  /**
   * The one expunge: IMAP EXPUNGE and UID EXPUNGE (the \Deleted messages, only those in `uids`
   * when given; RFC 9051 6.4.3, RFC 4315 2.1), and with `{ deletedOnly: false }` the given
   * messages whatever their flags (POP3 DELE + QUIT, RFC 1939 6; webmail permanent delete; MOVE's
   * sources). One statement: one new MODSEQ, the UIDs recorded in `expunged` for QRESYNC
   * (RFC 7162 3.2.10), counters and quota usage, one change-feed NOTIFY; nothing (no MODSEQ) when
   * nothing matched. Blobs stay: they are content-addressed and may be shared by other copies.
   * Returns the expunged UIDs ascending; a missing mailbox is not_found.
   */
  async expunge(mailboxId: number, uids?: readonly number[], options: { deletedOnly?: boolean } = {}): Promise<number[]> {
    const deletedOnly = options.deletedOnly ?? true;
    if (!deletedOnly && !uids) throw new StoreError('invalid', 'an expunge regardless of \\Deleted needs the UIDs');
    const { rows } = await this.pool.query<{ uids: number[] | null }>({ ...EXPUNGE, values: [mailboxId, uids ?? null, CHANGE_CHANNEL, deletedOnly] });
    if (!rows[0]) throw notFound(`mailbox ${mailboxId}`);
    return rows[0].uids ?? [];
  }

  /** `expunge` with `deletedOnly: false` inside a transaction of the caller (MOVE). */
  private async expungeInTx(tx: Tx, mailboxId: number, uids: number[]): Promise<number[]> {
    const [row] = await tx.$queryRawUnsafe<{ uids: number[] | null }[]>(EXPUNGE.text, mailboxId, uids, CHANGE_CHANNEL, false);
    if (!row) throw notFound(`mailbox ${mailboxId}`);
    return row.uids ?? [];
  }

  /**
   * Copies messages to another mailbox of the same account (or moves them, removing the
   * sources in the same transaction). Returns source -> destination UID pairs (UIDPLUS COPYUID).
   * A copy over the storage quota or `limits.messageLimit` throws over_quota; a move changes
   * neither the account's size nor its message count, so neither limit refuses it.
   */
  async copy(
    fromMailboxId: number,
    uids: number[],
    toMailboxId: number,
    move = false,
    limits: InsertLimits = {},
  ): Promise<{ uidValidity: number; pairs: [number, number][] }> {
    const messageLimit = limits.messageLimit ?? 0;
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
        if (rows.length === 0) return { uidValidity: Number(to.uidValidity), pairs: [] };
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
          if (messageLimit > 0) {
            // A statement of its own, so its snapshot is taken while this transaction holds the
            // account row that every writer adding messages charges before it commits: the sum
            // is exact, this copy's rows (the destination's counter above) included.
            const [count] = await tx.$queryRawUnsafe<{ n: number }[]>(
              'SELECT COALESCE(sum(message_count), 0)::int AS n FROM mailbox WHERE account_id = $1',
              to.accountId,
            );
            if ((count?.n ?? 0) > messageLimit) throw new StoreError('over_quota', 'message quota exceeded');
          }
        }
        const sourceUids = rows.map((r) => r.uid);
        // The search columns are copied as they are: a NULL search_vector (not indexed yet) stays
        // NULL in the copy and is filled later like any other (search-index.repository.ts).
        await tx.$executeRawUnsafe(
          `INSERT INTO message (mailbox_id, uid, modseq, email_id, thread_id, seen, answered, flagged, deleted, draft, keywords, internal_date,
             size, blob_id, subject, from_address, from_name, to_addresses, cc_addresses, sent_date, message_id_hdr, in_reply_to, "references",
             has_attachments, preview, headers, envelope, body_structure, search_vector, search_header, search_body)
           SELECT $2, $3 + (row_number() OVER (ORDER BY uid))::int - 1, $4, email_id, thread_id, seen, answered, flagged, deleted, draft, keywords,
             internal_date, size, blob_id, subject, from_address, from_name, to_addresses, cc_addresses, sent_date, message_id_hdr, in_reply_to,
             "references", has_attachments, preview, headers, envelope, body_structure, search_vector, search_header, search_body
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
          await this.expungeInTx(tx, fromMailboxId, sourceUids);
        }
        return { uidValidity: Number(to.uidValidity), pairs: sourceUids.map((u, i): [number, number] => [u, box!.first_uid + i]) };
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

/**
 * MessageRepository.expunge in one statement: lock the mailbox, delete the messages ($2: only
 * these UIDs; $4: only the \Deleted ones), record them in `expunged` with the next MODSEQ
 * (QRESYNC), and, if any went, move the mailbox counters and the account's usage and NOTIFY
 * ($3). The NOTIFY sits in a scalar subquery so that no column of the result is of type void.
 */
const EXPUNGE = {
  name: 'mailstead_expunge',
  text: `WITH locked AS (SELECT id, account_id, highest_modseq + 1 AS modseq FROM mailbox WHERE id = $1 FOR UPDATE),
  gone AS (
    DELETE FROM message m USING locked
    WHERE m.mailbox_id = locked.id AND (m.deleted OR NOT $4::boolean) AND ($2::int[] IS NULL OR m.uid = ANY($2::int[]))
    RETURNING m.uid, m.size, m.seen),
  recorded AS (
    INSERT INTO expunged (mailbox_id, uid, modseq) SELECT $1, gone.uid, locked.modseq FROM gone, locked
    ON CONFLICT (mailbox_id, uid) DO UPDATE SET modseq = EXCLUDED.modseq RETURNING uid),
  totals AS (SELECT count(*)::int AS n, (count(*) FILTER (WHERE NOT seen))::int AS unseen, COALESCE(sum(size), 0)::bigint AS bytes FROM gone),
  box AS (
    UPDATE mailbox b SET highest_modseq = locked.modseq, message_count = b.message_count - totals.n,
      unseen_count = b.unseen_count - totals.unseen, total_size = b.total_size - totals.bytes
    FROM locked, totals WHERE b.id = locked.id AND totals.n > 0 RETURNING b.id),
  usage AS (
    UPDATE account a SET used_bytes = GREATEST(0, a.used_bytes - totals.bytes)
    FROM locked, totals WHERE a.id = locked.account_id AND totals.n > 0 RETURNING a.id)
  SELECT (SELECT array_agg(uid ORDER BY uid) FROM gone) AS uids, ((SELECT count(*) FROM recorded) + (SELECT count(*) FROM usage))::int AS touched,
    (SELECT count(*) FROM (SELECT pg_notify($3, json_build_object('a', locked.account_id, 'm', $1::int, 's', locked.modseq::text, 'k', 'expunge')::text)
      WHERE EXISTS (SELECT 1 FROM box)) n)::int AS notified
  FROM locked`,
};

/**
 * STORE in one statement: lock the mailbox (the same order as every other writer), lock the
 * messages, compute the new flags ($3 mode set/add/remove of $4-$8 and keywords $9), update only
 * the messages whose flags change, and only if some do: give them the next MODSEQ (RFC 7162
 * 3.1.3), move unseen_count, NOTIFY ($11). With $10 (UNCHANGEDSINCE) messages whose MODSEQ is
 * above it are left alone and listed in `modified`.
 */
const UPDATE_FLAGS = {
  name: 'mailstead_update_flags',
  text: `WITH locked AS (SELECT id, account_id, highest_modseq + 1 AS modseq FROM mailbox WHERE id = $1 FOR UPDATE),
  cur AS (
    SELECT m.uid, m.modseq, m.seen, m.answered, m.flagged, m.deleted, m.draft, m.keywords FROM message m, locked
    WHERE m.mailbox_id = $1 AND m.uid = ANY($2::int[]) FOR UPDATE OF m),
  nxt AS (
    SELECT c.*,
      CASE $3::text WHEN 'set' THEN $4::boolean WHEN 'add' THEN c.seen OR $4::boolean ELSE c.seen AND NOT $4::boolean END AS n_seen,
      CASE $3::text WHEN 'set' THEN $5::boolean WHEN 'add' THEN c.answered OR $5::boolean ELSE c.answered AND NOT $5::boolean END AS n_answered,
      CASE $3::text WHEN 'set' THEN $6::boolean WHEN 'add' THEN c.flagged OR $6::boolean ELSE c.flagged AND NOT $6::boolean END AS n_flagged,
      CASE $3::text WHEN 'set' THEN $7::boolean WHEN 'add' THEN c.deleted OR $7::boolean ELSE c.deleted AND NOT $7::boolean END AS n_deleted,
      CASE $3::text WHEN 'set' THEN $8::boolean WHEN 'add' THEN c.draft OR $8::boolean ELSE c.draft AND NOT $8::boolean END AS n_draft,
      CASE $3::text WHEN 'set' THEN $9::text[]
        WHEN 'add' THEN c.keywords || ARRAY(SELECT k FROM unnest($9::text[]) WITH ORDINALITY AS t(k, o) WHERE NOT (k = ANY(c.keywords)) ORDER BY o)
        ELSE ARRAY(SELECT k FROM unnest(c.keywords) WITH ORDINALITY AS t(k, o) WHERE NOT (k = ANY($9::text[])) ORDER BY o) END AS n_keywords
    FROM cur c WHERE $10::bigint IS NULL OR c.modseq <= $10::bigint),
  chg AS (
    UPDATE message m SET seen = n.n_seen, answered = n.n_answered, flagged = n.n_flagged, deleted = n.n_deleted, draft = n.n_draft,
      keywords = n.n_keywords, modseq = locked.modseq
    FROM nxt n, locked
    WHERE m.mailbox_id = $1 AND m.uid = n.uid
      AND ((n.seen, n.answered, n.flagged, n.deleted, n.draft) IS DISTINCT FROM (n.n_seen, n.n_answered, n.n_flagged, n.n_deleted, n.n_draft)
        OR cardinality(n.keywords) <> cardinality(n.n_keywords) OR NOT (n.n_keywords @> n.keywords))
    RETURNING m.uid, m.seen, m.answered, m.flagged, m.deleted, m.draft, m.keywords, n.seen AS was_seen),
  bump AS (
    UPDATE mailbox b SET highest_modseq = locked.modseq,
      unseen_count = b.unseen_count + (SELECT COALESCE(sum(CASE WHEN was_seen AND NOT seen THEN 1 WHEN seen AND NOT was_seen THEN -1 ELSE 0 END), 0) FROM chg)::int
    FROM locked WHERE b.id = locked.id AND EXISTS (SELECT 1 FROM chg) RETURNING b.id)
  SELECT locked.modseq::text AS modseq,
    (SELECT json_agg(json_build_array(uid, seen, answered, flagged, deleted, draft, keywords) ORDER BY uid) FROM chg) AS changed,
    (SELECT array_agg(uid ORDER BY uid) FROM cur WHERE $10::bigint IS NOT NULL AND modseq > $10::bigint) AS modified,
    CASE WHEN EXISTS (SELECT 1 FROM bump)
      THEN pg_notify($11, json_build_object('a', locked.account_id, 'm', $1::int, 's', locked.modseq::text, 'k', 'flags')::text) END AS notified
  FROM locked`,
};

