import type pg from 'pg';
import type { Db } from '../prisma';

/** Messages learned as spam and as ham containing a token (hash 0: all messages learned). */
export interface SpamTokenCounts {
  spam: number;
  ham: number;
}

export interface SpamModelCounts {
  totals: SpamTokenCounts;
  tokens: Map<bigint, SpamTokenCounts>;
}

/** Which model: the global one, or one account's. */
export type SpamModelRef = { accountId: number | null };

/** What learning one message did: first time, moved from the other class, or nothing (already learned so). */
export type SpamLearnResult = 'learned' | 'relearned' | 'known';

export interface SpamThresholds {
  junk: number | null;
  quarantine: number | null;
  reject: number | null;
}

export interface SpamSymbolRow {
  name: string;
  score: number;
  detail?: string;
}

export interface NewQuarantineItem {
  accountId: number;
  receivedDigest: string;
  sender: string;
  recipient: string;
  fromAddress: string;
  subject: string;
  score: number;
  symbols: SpamSymbolRow[];
  probability: number | null;
  data: Buffer;
}

export interface QuarantineItem {
  id: bigint;
  accountId: number;
  sender: string;
  recipient: string;
  fromAddress: string;
  subject: string;
  score: number;
  symbols: SpamSymbolRow[];
  probability: number | null;
  size: number;
  createdAt: Date;
}

export interface SpamModelStats {
  spamLearned: number;
  hamLearned: number;
  tokens: number;
}

/** The row holding a model's message totals. */
export const TOTALS_HASH = 0n;

type Sql = Pick<pg.PoolClient, 'query'>;

async function inTransaction<T>(pool: pg.Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    const broken = await client.query('ROLLBACK').then(() => undefined, (e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    client.release(broken);
    throw error;
  }
}

const quarantineColumns = {
  id: true, accountId: true, sender: true, recipient: true, fromAddress: true, subject: true, score: true, symbols: true, probability: true, size: true, createdAt: true,
} as const;

/**
 * The spam classifier's models (global and per account: token hash -> spam/ham message counts),
 * the digests of messages they learned, the quarantine and the spam thresholds of domains and
 * accounts. Reads of a message's tokens are one query for every model it needs; learning is one
 * bulk upsert per model, tokens in hash order (so concurrent learners cannot deadlock).
 */
export class SpamRepository {
  constructor(
    private readonly db: Db,
    private readonly pool: pg.Pool,
  ) {}

  /** The counts of `hashes` (and the totals) in the global model and in each account's, in one query. */
  async counts(hashes: readonly bigint[], accountIds: readonly number[]): Promise<{ global: SpamModelCounts; accounts: Map<number, SpamModelCounts> }> {
    const keys = [TOTALS_HASH, ...new Set(hashes)].map(String);
    const { rows } = await this.pool.query<{ account_id: number; hash: string; spam: number; ham: number }>(
      `SELECT 0 AS account_id, hash::text AS hash, spam, ham FROM spam_token WHERE hash = ANY($1::bigint[])
       UNION ALL
       SELECT account_id, hash::text AS hash, spam, ham FROM spam_user_token WHERE account_id = ANY($2::int[]) AND hash = ANY($1::bigint[])`,
      [keys, [...new Set(accountIds)]],
    );
    const empty = (): SpamModelCounts => ({ totals: { spam: 0, ham: 0 }, tokens: new Map() });
    const global = empty();
    const accounts = new Map<number, SpamModelCounts>(accountIds.map((id) => [id, empty()]));
    for (const row of rows) {
      const model = row.account_id === 0 ? global : accounts.get(row.account_id);
      if (!model) continue;
      const hash = BigInt(row.hash);
      if (hash === TOTALS_HASH) model.totals = { spam: row.spam, ham: row.ham };
      else model.tokens.set(hash, { spam: row.spam, ham: row.ham });
    }
    return { global, accounts };
  }

  /**
   * Learns one message (its token hashes and their digest) as spam or ham in one model, in one
   * transaction: a message learned before the same way changes nothing; learned the other way,
   * its counts move from that class to this one.
   */
  learn(model: SpamModelRef, digest: string, hashes: readonly bigint[], spam: boolean): Promise<SpamLearnResult> {
    const accountId = model.accountId;
    const global = accountId === null;
    return inTransaction(this.pool, async (sql) => {
      const inserted = await sql.query(
        global
          ? 'INSERT INTO spam_learned (digest, spam) VALUES ($1, $2) ON CONFLICT DO NOTHING'
          : 'INSERT INTO spam_user_learned (account_id, digest, spam) VALUES ($3, $1, $2) ON CONFLICT DO NOTHING',
        global ? [digest, spam] : [digest, spam, accountId],
      );
      let result: SpamLearnResult = 'learned';
      if (inserted.rowCount === 0) {
        const { rows } = await sql.query<{ spam: boolean }>(
          global ? 'SELECT spam FROM spam_learned WHERE digest = $1 FOR UPDATE' : 'SELECT spam FROM spam_user_learned WHERE digest = $1 AND account_id = $2 FOR UPDATE',
          global ? [digest] : [digest, accountId],
        );
        if (rows[0]?.spam === spam) return 'known';
        await sql.query(
          global ? 'UPDATE spam_learned SET spam = $2 WHERE digest = $1' : 'UPDATE spam_user_learned SET spam = $2 WHERE digest = $1 AND account_id = $3',
          global ? [digest, spam] : [digest, spam, accountId],
        );
        result = 'relearned';
      }
      const add = spam ? [1, result === 'relearned' ? -1 : 0] : [result === 'relearned' ? -1 : 0, 1];
      const keys = [TOTALS_HASH, ...new Set(hashes)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
      await sql.query(
        global
          ? `INSERT INTO spam_token (hash, spam, ham) SELECT h, GREATEST($2::int, 0), GREATEST($3::int, 0) FROM unnest($1::bigint[]) AS h
             ON CONFLICT (hash) DO UPDATE SET spam = GREATEST(spam_token.spam + $2::int, 0), ham = GREATEST(spam_token.ham + $3::int, 0)`
          : `INSERT INTO spam_user_token (account_id, hash, spam, ham) SELECT $4, h, GREATEST($2::int, 0), GREATEST($3::int, 0) FROM unnest($1::bigint[]) AS h
             ON CONFLICT (account_id, hash) DO UPDATE SET spam = GREATEST(spam_user_token.spam + $2::int, 0), ham = GREATEST(spam_user_token.ham + $3::int, 0)`,
        global ? [keys, add[0], add[1]] : [keys, add[0], add[1], accountId],
      );
      return result;
    });
  }

  /** Messages learned and tokens known by one model. */
  async stats(model: SpamModelRef): Promise<SpamModelStats> {
    const { rows } = await this.pool.query<{ spam: number | null; ham: number | null; tokens: string }>(
      model.accountId === null
        ? `SELECT (SELECT spam FROM spam_token WHERE hash = 0) AS spam, (SELECT ham FROM spam_token WHERE hash = 0) AS ham, (SELECT count(*) FROM spam_token WHERE hash <> 0)::text AS tokens`
        : `SELECT (SELECT spam FROM spam_user_token WHERE account_id = $1 AND hash = 0) AS spam, (SELECT ham FROM spam_user_token WHERE account_id = $1 AND hash = 0) AS ham,
                  (SELECT count(*) FROM spam_user_token WHERE account_id = $1 AND hash <> 0)::text AS tokens`,
      model.accountId === null ? [] : [model.accountId],
    );
    const row = rows[0]!;
    return { spamLearned: row.spam ?? 0, hamLearned: row.ham ?? 0, tokens: Number(row.tokens) };
  }

  /** Accounts with a model of their own, with its totals. */
  async accountModels(): Promise<{ accountId: number; address: string; spamLearned: number; hamLearned: number }[]> {
    const { rows } = await this.pool.query<{ account_id: number; address: string; spam: number; ham: number }>(
      `SELECT t.account_id, a.address, t.spam, t.ham FROM spam_user_token t JOIN account a ON a.id = t.account_id WHERE t.hash = 0 ORDER BY a.address`,
    );
    return rows.map((r) => ({ accountId: r.account_id, address: r.address, spamLearned: r.spam, hamLearned: r.ham }));
  }

  /**
   * Holds a message in an account's quarantine. Idempotent on the received bytes: a sender
   * retrying after a failed commit does not hold it twice. Runs before the delivery's commit, as
   * a moderated list post is held.
   */
  async hold(item: NewQuarantineItem): Promise<void> {
    await this.pool.query(
      `INSERT INTO spam_quarantine (account_id, received_digest, sender, recipient, from_address, subject, score, symbols, probability, size, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11) ON CONFLICT (account_id, received_digest) DO NOTHING`,
      [item.accountId, item.receivedDigest, item.sender, item.recipient, item.fromAddress.replaceAll('\0', ''), item.subject.replaceAll('\0', ''), item.score, JSON.stringify(item.symbols), item.probability, item.data.length, item.data],
    );
  }

  /** An account's quarantine, newest first; `accountId` null: every account's (the admin view). */
  async quarantined(accountId: number | null, limit = 200): Promise<QuarantineItem[]> {
    const rows = await this.db.spamQuarantine.findMany({ where: accountId === null ? {} : { accountId }, select: quarantineColumns, orderBy: { createdAt: 'desc' }, take: limit });
    return rows.map((r) => ({ ...r, symbols: r.symbols as unknown as SpamSymbolRow[] }));
  }

  async quarantinedMessage(accountId: number, id: bigint): Promise<(QuarantineItem & { data: Buffer }) | null> {
    const row = await this.db.spamQuarantine.findFirst({ where: { id, accountId }, select: { ...quarantineColumns, data: true } });
    return row ? { ...row, symbols: row.symbols as unknown as SpamSymbolRow[], data: Buffer.from(row.data) } : null;
  }

  /** Removes one held message; false when it is not (or no longer) there. */
  async removeQuarantined(accountId: number, id: bigint): Promise<boolean> {
    const { count } = await this.db.spamQuarantine.deleteMany({ where: { id, accountId } });
    return count > 0;
  }

  /** Each account's thresholds: its own where set, else its domain's, else null (the configured default). */
  async thresholds(accountIds: readonly number[]): Promise<Map<number, SpamThresholds>> {
    const { rows } = await this.pool.query<{ id: number; junk: number | null; quarantine: number | null; reject: number | null }>(
      `SELECT a.id, COALESCE(ta.junk, td.junk) AS junk, COALESCE(ta.quarantine, td.quarantine) AS quarantine, COALESCE(ta.reject, td.reject) AS reject
       FROM account a LEFT JOIN spam_threshold ta ON ta.account_id = a.id LEFT JOIN spam_threshold td ON td.domain_id = a.domain_id
       WHERE a.id = ANY($1::int[])`,
      [[...new Set(accountIds)]],
    );
    return new Map(rows.map((r) => [r.id, { junk: r.junk, quarantine: r.quarantine, reject: r.reject }]));
  }

  /** Sets (or, with all three null, clears) a domain's or an account's thresholds. */
  async setThresholds(owner: { accountId: number } | { domainId: number }, values: SpamThresholds): Promise<void> {
    const where = 'accountId' in owner ? { accountId: owner.accountId } : { domainId: owner.domainId };
    if (values.junk === null && values.quarantine === null && values.reject === null) {
      await this.db.spamThreshold.deleteMany({ where });
      return;
    }
    await this.db.spamThreshold.upsert({ where, create: { ...where, ...values }, update: values });
  }

  async ownThresholds(owner: { accountId: number } | { domainId: number }): Promise<SpamThresholds> {
    const where = 'accountId' in owner ? { accountId: owner.accountId } : { domainId: owner.domainId };
    const row = await this.db.spamThreshold.findFirst({ where, select: { junk: true, quarantine: true, reject: true } });
    return row ?? { junk: null, quarantine: null, reject: null };
  }
}
