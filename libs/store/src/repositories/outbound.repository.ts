import type { Db } from '../prisma';
import type { OutboundStatus, RecipientStatus } from '../generated/prisma/client';
import { notFound } from '../errors';

export type { OutboundStatus, RecipientStatus };

export interface OutboundSummary {
  id: bigint;
  sender: string;
  domain: string;
  status: OutboundStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  recipients: { address: string; status: string; response: string | null }[];
}

export interface OutboundQueueFilter {
  status?: OutboundStatus;
  domain?: string;
  sender?: string;
  /** Only rows queued before this instant (age filter). */
  createdBefore?: Date;
}

export interface OutboundRecipientRow {
  id: bigint;
  address: string;
  status: RecipientStatus;
  notify: string[];
  orcpt: string | null;
  smtpCode: number | null;
  response: string | null;
}

/** A row the worker has claimed: everything one delivery attempt needs. */
export interface ClaimedOutbound {
  id: bigint;
  sender: string;
  domain: string;
  attempts: number;
  createdAt: Date;
  dsnEnvelopeId: string | null;
  dsnReturn: string | null;
  raw: Buffer;
  /** Whether the sender was already told that delivery is delayed (one delay DSN per row). */
  delayWarned: boolean;
  /** Every recipient; the attempt sends to the pending and deferred ones. */
  recipients: OutboundRecipientRow[];
}

export interface OutboundAttemptRecord {
  at: Date;
  host: string | null;
  result: string;
  response: string | null;
}

export interface OutboundDetail extends OutboundSummary {
  blobId: string;
  size: number;
  dsnEnvelopeId: string | null;
  dsnReturn: string | null;
  recipientDetails: OutboundRecipientRow[];
  attemptLog: OutboundAttemptRecord[];
}

export interface RecipientResult {
  id: bigint;
  status: RecipientStatus;
  smtpCode: number | null;
  response: string | null;
}

/** What one attempt concluded for the row as a whole. */
export type AttemptOutcome =
  | { status: 'delivered' }
  | { status: 'deferred'; nextAttemptAt: Date; lastError: string }
  | { status: 'failed'; lastError: string };

interface ClaimedRow {
  id: bigint;
  sender: string;
  domain: string;
  attempts: number;
  created_at: Date;
  dsn_envelope_id: string | null;
  dsn_return: string | null;
  data: Uint8Array;
  delay_warned: boolean;
  /** JSON array of the recipients (id as a string), in id order. */
  recipients: string;
}

/** Attempt-log result that marks "the delay DSN was sent". */
export const DELAY_WARNING = 'delay-warning';

const STATUSES_IN_PROGRESS: OutboundStatus[] = ['queued', 'deferred', 'sending'];

/** The durable side of outbound delivery; libs/delivery's queue mirrors these rows. */
export class OutboundRepository {
  constructor(private readonly db: Db) {}

  list(filter: OutboundQueueFilter = {}, limit = 200): Promise<OutboundSummary[]> {
    return this.db.outbound.findMany({
      where: {
        status: filter.status,
        domain: filter.domain?.toLowerCase(),
        sender: filter.sender === undefined ? undefined : { equals: filter.sender, mode: 'insensitive' },
        createdAt: filter.createdBefore ? { lt: filter.createdBefore } : undefined,
      },
      orderBy: { id: 'asc' },
      take: limit,
      select: {
        id: true, sender: true, domain: true, status: true, attempts: true, nextAttemptAt: true, lastError: true, createdAt: true,
        recipients: { select: { address: true, status: true, response: true }, orderBy: { id: 'asc' } },
      },
    });
  }

  /** One row with its recipients and attempt log (remote replies), or null. */
  async show(id: bigint): Promise<OutboundDetail | null> {
    const row = await this.db.outbound.findUnique({
      where: { id },
      include: {
        blob: { select: { size: true } },
        recipients: { orderBy: { id: 'asc' } },
        attemptLog: { orderBy: { id: 'asc' }, select: { at: true, host: true, result: true, response: true } },
      },
    });
    if (!row) return null;
    return {
      id: row.id, sender: row.sender, domain: row.domain, status: row.status, attempts: row.attempts, nextAttemptAt: row.nextAttemptAt,
      lastError: row.lastError, createdAt: row.createdAt, blobId: row.blobId, size: row.blob.size,
      dsnEnvelopeId: row.dsnEnvelopeId, dsnReturn: row.dsnReturn,
      recipients: row.recipients.map((r) => ({ address: r.address, status: r.status, response: r.response })),
      recipientDetails: row.recipients.map(toRecipientRow),
      attemptLog: row.attemptLog,
    };
  }

  /**
   * Ids of rows that should be delivered now: queued or deferred and due, or `sending` whose
   * lease ran out (the worker holding it died). The reconciler enqueues these.
   */
  async dueIds(now = new Date(), limit = 1000, domain?: string): Promise<bigint[]> {
    const paused = await this.pausedDomainNames();
    const rows = await this.db.outbound.findMany({
      where: {
        status: { in: STATUSES_IN_PROGRESS },
        nextAttemptAt: { lte: now },
        domain: domain !== undefined ? (paused.includes(domain.toLowerCase()) ? { in: [] } : domain.toLowerCase()) : paused.length > 0 ? { notIn: paused } : undefined,
      },
      orderBy: { nextAttemptAt: 'asc' },
      take: limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /**
   * Takes a due row for one attempt: marks it `sending` with a lease (next_attempt_at = now +
   * leaseMs) and counts the attempt. Null when the row is gone, finished, not yet due, or held
   * by a live lease elsewhere — which makes duplicate jobs for one row harmless. A row for a
   * paused destination domain is not claimed: it stays as it is until the domain is resumed.
   */
  async claim(id: bigint, leaseMs: number, now = new Date()): Promise<ClaimedOutbound | null> {
    // One statement: the due check, the pause check and the lease are atomic, and it returns the
    // row with its message (the hot path of every delivery attempt: two round trips in all).
    const rows = await this.db.$queryRaw<ClaimedRow[]>`
      WITH c AS (
        UPDATE outbound SET status = 'sending', next_attempt_at = ${new Date(now.getTime() + leaseMs)}, attempts = attempts + 1, updated_at = now()
        WHERE id = ${id} AND status IN ('queued', 'deferred', 'sending') AND next_attempt_at <= ${now}
          AND NOT EXISTS (SELECT 1 FROM paused_domain p WHERE p.domain = outbound.domain)
        RETURNING id, sender, domain, attempts, created_at, dsn_envelope_id, dsn_return, blob_id
      )
      SELECT c.id, c.sender, c.domain, c.attempts, c.created_at, c.dsn_envelope_id, c.dsn_return, b.data,
        EXISTS (SELECT 1 FROM outbound_attempt a WHERE a.outbound_id = c.id AND a.result = ${DELAY_WARNING}) AS delay_warned,
        (SELECT coalesce(json_agg(json_build_object('id', r.id::text, 'address', r.address, 'status', r.status, 'notify', r.notify,
            'orcpt', r.orcpt, 'smtpCode', r.smtp_code, 'response', r.response) ORDER BY r.id), '[]')::text
          FROM outbound_recipient r WHERE r.outbound_id = c.id) AS recipients
      FROM c JOIN blob b ON b.id = c.blob_id`;
    const row = rows[0];
    if (!row) return null;
    const recipients = (JSON.parse(row.recipients) as (Omit<OutboundRecipientRow, 'id'> & { id: string })[]).map((r) => ({ ...r, id: BigInt(r.id) }));
    return {
      id: row.id,
      sender: row.sender,
      domain: row.domain,
      attempts: row.attempts,
      createdAt: row.created_at,
      dsnEnvelopeId: row.dsn_envelope_id,
      dsnReturn: row.dsn_return,
      raw: Buffer.from(row.data),
      delayWarned: row.delay_warned,
      recipients: recipients.map(toRecipientRow),
    };
  }

  /**
   * Extends the lease of a row this worker still holds: still `sending` and claimed by the same
   * attempt (`attempts` is the fencing token: a later claim by another worker raised it).
   * False when the row is no longer ours.
   */
  async renewLease(id: bigint, attempts: number, leaseMs: number): Promise<boolean> {
    const count = await this.db.$executeRaw`
      UPDATE outbound SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}) WHERE id = ${id} AND status = 'sending' AND attempts = ${attempts}`;
    return count === 1;
  }

  /**
   * Takes a waiting row (queued or deferred, due or not, paused or not) for an operator's
   * "bounce now": marks it `sending` under a lease so no worker attempts it meanwhile, without
   * counting an attempt. Null when the row is gone, finished, or being attempted right now.
   */
  async claimForBounce(id: bigint, leaseMs: number, now = new Date()): Promise<ClaimedOutbound | null> {
    const { count } = await this.db.outbound.updateMany({
      where: { id, OR: [{ status: { in: ['queued', 'deferred'] } }, { status: 'sending', nextAttemptAt: { lte: now } }] },
      data: { status: 'sending', nextAttemptAt: new Date(now.getTime() + leaseMs) },
    });
    if (count === 0) return null;
    return this.loadClaimed(id);
  }

  private async loadClaimed(id: bigint): Promise<ClaimedOutbound | null> {
    // claimForBounce only (rare); claim() loads in its own statement.
    const row = await this.db.outbound.findUnique({
      where: { id },
      include: {
        blob: { select: { data: true } },
        recipients: { orderBy: { id: 'asc' } },
        attemptLog: { where: { result: DELAY_WARNING }, select: { id: true }, take: 1 },
      },
    });
    if (!row) return null;
    return {
      id: row.id,
      sender: row.sender,
      domain: row.domain,
      attempts: row.attempts,
      createdAt: row.createdAt,
      dsnEnvelopeId: row.dsnEnvelopeId,
      dsnReturn: row.dsnReturn,
      raw: Buffer.from(row.blob.data),
      delayWarned: row.attemptLog.length > 0,
      recipients: row.recipients.map(toRecipientRow),
    };
  }

  /**
   * Records one attempt in one transaction: per-recipient results, the attempt log entry, and
   * the row's new state (delivered / deferred until a time / failed).
   */
  async finishAttempt(
    id: bigint,
    attempt: { host: string | null; result: 'delivered' | 'deferred' | 'failed'; response: string | null },
    recipients: RecipientResult[],
    outcome: AttemptOutcome,
  ): Promise<void> {
    // One statement (atomic without a transaction's extra round trips): the recipients' results,
    // the attempt log entry and the row's new state.
    const nextAttemptAt = outcome.status === 'deferred' ? outcome.nextAttemptAt : null;
    const lastError = outcome.status === 'delivered' ? null : outcome.lastError;
    await this.db.$executeRaw`
      WITH r AS (
        UPDATE outbound_recipient AS t SET status = x.status::"RecipientStatus", smtp_code = x.code, response = x.response, updated_at = now()
        FROM unnest(${recipients.map((r) => r.id)}::bigint[], ${recipients.map((r) => r.status)}::text[], ${recipients.map((r) => r.smtpCode)}::int[], ${recipients.map((r) => r.response)}::text[]) AS x(id, status, code, response)
        WHERE t.id = x.id AND t.outbound_id = ${id}
        RETURNING 1
      ), a AS (
        INSERT INTO outbound_attempt (outbound_id, host, result, response) SELECT ${id}, ${attempt.host}, ${attempt.result}, ${attempt.response}
        WHERE EXISTS (SELECT 1 FROM outbound WHERE id = ${id})
        RETURNING 1
      )
      UPDATE outbound SET status = ${outcome.status}::"OutboundStatus", next_attempt_at = COALESCE(${nextAttemptAt}::timestamptz, next_attempt_at), last_error = ${lastError}, updated_at = now()
      WHERE id = ${id}`;
  }

  /** Adds an event to the row's log without changing it (e.g. the delay DSN was sent). */
  async logEvent(id: bigint, result: string, response: string | null, host: string | null = null): Promise<void> {
    await this.db.outboundAttempt.create({ data: { outboundId: id, host, result, response } });
  }

  /** Makes a deferred or failed row due now. */
  async retryNow(id: bigint): Promise<void> {
    const { count } = await this.db.outbound.updateMany({ where: { id, status: { in: ['deferred', 'failed', 'queued'] } }, data: { status: 'queued', nextAttemptAt: new Date() } });
    if (count === 0) throw notFound(`queue entry ${id}`);
    // A failed row's recipients get another chance too.
    await this.db.outboundRecipient.updateMany({ where: { outboundId: id, status: 'failed' }, data: { status: 'pending' } });
  }

  /**
   * Whether mail from any of `senders` (MAIL FROM, compared case-insensitively) was ever queued to
   * `domain`: greylisting lets SPF-pass mail from a domain a recipient has written to through. One
   * read on the domain index, stopping at the first match.
   */
  async hasSentToDomain(senders: string[], domain: string): Promise<boolean> {
    if (senders.length === 0) return false;
    const row = await this.db.outbound.findFirst({
      where: { domain: domain.toLowerCase(), OR: senders.map((s) => ({ sender: { equals: s, mode: 'insensitive' as const } })) },
      select: { id: true },
    });
    return row !== null;
  }

  /** Makes every waiting row for a destination domain due now; returns their ids. */
  async retryDomain(domain: string): Promise<bigint[]> {
    const rows = await this.db.outbound.findMany({ where: { domain: domain.toLowerCase(), status: { in: ['queued', 'deferred'] } }, select: { id: true } });
    await this.db.outbound.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { status: 'queued', nextAttemptAt: new Date() } });
    return rows.map((r) => r.id);
  }

  async remove(id: bigint): Promise<void> {
    const { count } = await this.db.outbound.deleteMany({ where: { id } });
    if (count === 0) throw notFound(`queue entry ${id}`);
  }

  countByStatus(): Promise<{ status: OutboundStatus; count: number }[]> {
    return this.db.outbound
      .groupBy({ by: ['status'], _count: { _all: true } })
      .then((rows) => rows.map((r) => ({ status: r.status, count: r._count._all })));
  }

  /** Recipients of all outbound rows by their own status (one row carries many recipients). */
  recipientCountByStatus(): Promise<{ status: RecipientStatus; count: number }[]> {
    return this.db.outboundRecipient
      .groupBy({ by: ['status'], _count: { _all: true } })
      .then((rows) => rows.map((r) => ({ status: r.status, count: r._count._all })));
  }

  /** Pauses delivery to a destination domain (idempotent); its rows stay queued. */
  async pauseDomain(domain: string, reason: string | null = null): Promise<void> {
    const name = domain.toLowerCase();
    await this.db.pausedDomain.upsert({ where: { domain: name }, create: { domain: name, reason }, update: { reason } });
  }

  /** Resumes a paused destination domain; false when it was not paused. */
  async resumeDomain(domain: string): Promise<boolean> {
    const { count } = await this.db.pausedDomain.deleteMany({ where: { domain: domain.toLowerCase() } });
    return count > 0;
  }

  pausedDomains(): Promise<{ domain: string; pausedAt: Date; reason: string | null }[]> {
    return this.db.pausedDomain.findMany({ orderBy: { domain: 'asc' } });
  }

  private async pausedDomainNames(): Promise<string[]> {
    return (await this.db.pausedDomain.findMany({ select: { domain: true } })).map((p) => p.domain);
  }

  /** The key of the first of these local domains that has one (one query), with its domain. */
  async firstDkimKey(domains: string[]): Promise<{ domain: string; selector: string; privateKey: string } | null> {
    const names = domains.map((d) => d.toLowerCase());
    const rows = await this.db.domain.findMany({ where: { name: { in: names }, dkimSelector: { not: null }, dkimPrivateKey: { not: null } }, select: { name: true, dkimSelector: true, dkimPrivateKey: true } });
    for (const name of names) {
      const row = rows.find((r) => r.name === name);
      if (row) return { domain: name, selector: row.dkimSelector!, privateKey: row.dkimPrivateKey! };
    }
    return null;
  }

  /** The DKIM key of a local domain, if one was generated. */
  async dkimKey(domain: string): Promise<{ selector: string; privateKey: string } | null> {
    const row = await this.db.domain.findUnique({ where: { name: domain.toLowerCase() }, select: { dkimSelector: true, dkimPrivateKey: true } });
    return row?.dkimSelector && row.dkimPrivateKey ? { selector: row.dkimSelector, privateKey: row.dkimPrivateKey } : null;
  }

  /** Stores a domain's DKIM key (replacing any previous one). */
  async setDkimKey(domain: string, selector: string, privateKey: string): Promise<void> {
    const { count } = await this.db.domain.updateMany({ where: { name: domain.toLowerCase() }, data: { dkimSelector: selector, dkimPrivateKey: privateKey } });
    if (count === 0) throw notFound(`domain ${domain}`);
  }
}

function toRecipientRow(r: { id: bigint; address: string; status: RecipientStatus; notify: string[]; orcpt: string | null; smtpCode: number | null; response: string | null }): OutboundRecipientRow {
  return { id: r.id, address: r.address, status: r.status, notify: r.notify, orcpt: r.orcpt, smtpCode: r.smtpCode, response: r.response };
}
