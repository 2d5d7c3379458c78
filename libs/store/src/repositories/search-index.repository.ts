import { parseMessage } from '@mailstead/mime';
import type pg from 'pg';
import { foldForSearch, searchHeaderText } from './imap.repository';

/**
 * The one lazy search-text fill (as Dovecot indexes at search time, not at delivery): delivery
 * and append store a message's search columns as NULL, because to_tsvector and the GIN insert
 * were most of Postgres' cost per delivered message. One parse of the blob fills all three:
 * `search_vector` (webmail full text) and `search_header`/`search_body` (IMAP SEARCH's folded
 * substrings). `search_vector IS NULL` is the one "not filled yet" mark (a fill never leaves the
 * other two NULL behind it), found through the partial index message_search_pending_idx.
 *
 * Who fills: the worker's periodic job (`fillBatch`, oldest first), a webmail search
 * (`fillScope` with a time budget: after a bulk import the backlog can take minutes, so the
 * search answers with what is indexed, says so, and the API finishes the scope in the
 * background), and an IMAP text SEARCH (`fillScope` without a budget: IMAP has no "still
 * indexing" answer, so it fills the mailbox completely first). Rows are claimed FOR UPDATE SKIP
 * LOCKED in short transactions, so fillers running at once never parse the same message twice
 * and never wait on each other's batches; only a caller without a budget, once nothing but rows
 * someone else holds is left, waits for those, one row at a time and holding no other lock.
 *
 * The vector has the weights delivery used to give it: subject 'A', from/to/cc 'B', body text
 * (libs/mime's search text, as many characters as fit under MAX_BODY_BYTES) unweighted.
 */

/** Rows claimed per transaction. */
const BATCH_ROWS = 200;
/** Blob bytes read per transaction (at least one message, whatever its size). */
const BATCH_BYTES = 8 << 20;
/** Body text fed to to_tsvector, in UTF-8 bytes: a tsvector holds at most 1 MiB of lexemes. */
const MAX_BODY_BYTES = 500_000;

const NUL = /\0/g;

/** Which messages a fill looks at: all of them (the worker), or one account, optionally one mailbox. */
export interface SearchIndexScope {
  accountId: number;
  mailboxId?: number;
}

/** A scope, or one mailbox by id alone (IMAP SEARCH knows the mailbox, not the account). */
export type FillScope = SearchIndexScope | { mailboxId: number };

export interface FillResult {
  /** vectors written */
  filled: number;
  /** whether NULL vectors may remain in the scope (a full batch was claimed, or rows were locked) */
  more: boolean;
}

export interface FillScopeOptions {
  /**
   * Overall time budget in ms: once it is spent no further batch starts (the batch under way
   * finishes; at least one batch always runs, so every call makes progress), and rows other
   * fillers hold are left to them. Default: none, the scope is filled completely.
   */
  budgetMs?: number;
  /** Stops between batches once aborted (process shutdown). */
  signal?: AbortSignal;
}

export interface FillScopeResult {
  /** vectors written by this call */
  filled: number;
  /** whether messages of the scope were still without a vector when the call returned */
  pending: boolean;
}

const VECTOR = `setweight(to_tsvector('simple', m.subject), 'A')
  || setweight(to_tsvector('simple', m.from_address || ' ' || m.from_name || ' ' || m.to_addresses || ' ' || m.cc_addresses), 'B')
  || to_tsvector('simple', v.t)`;

const UPDATE_VECTORS = `UPDATE message m SET search_vector = ${VECTOR},
    search_header = COALESCE(m.search_header, v.h), search_body = COALESCE(m.search_body, v.b)
  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS v(id, t, h, b) WHERE m.id = v.id`;

function scopeClause(scope: FillScope | undefined, params: unknown[]): string {
  if (!scope) return '';
  if (!('accountId' in scope)) {
    params.push(scope.mailboxId);
    return ` AND m.mailbox_id = $${params.length}`;
  }
  params.push(scope.accountId);
  let clause = ` AND m.mailbox_id IN (SELECT id FROM mailbox WHERE account_id = $${params.length}`;
  if (scope.mailboxId !== undefined) {
    params.push(scope.mailboxId);
    clause += ` AND id = $${params.length}`;
  }
  return `${clause})`;
}

/** At most `maxBytes` of `text`'s UTF-8, cut at a character boundary. */
function clipUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  return Buffer.from(text).subarray(0, maxBytes).toString('utf8').replace(/\ufffd$/, '');
}

function searchTexts(raw: Buffer): { t: string; h: string; b: string } {
  const message = parseMessage(raw);
  return {
    t: clipUtf8(message.text.replace(NUL, ''), MAX_BODY_BYTES),
    h: searchHeaderText(message.headers),
    b: foldForSearch(message.text).replace(NUL, ''),
  };
}

export class SearchIndexRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Fills one batch in ONE short transaction: claims up to BATCH_ROWS unfilled rows with FOR
   * UPDATE SKIP LOCKED (so several workers, and searches running beside them, never take the
   * same rows and never wait on each other), parses their blobs, writes the columns, commits.
   * `wait` instead claims ONE row and waits for it if another filler (or a writer) holds it,
   * holding no other lock meanwhile, so it cannot deadlock; a row the holder filled no longer
   * matches once its lock is released (READ COMMITTED re-checks the WHERE). `lockTimeoutMs`
   * bounds that wait (a lock_not_available error).
   */
  async fillBatch(scope?: FillScope, options: { wait?: boolean; lockTimeoutMs?: number } = {}): Promise<FillResult> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      if (options.wait && options.lockTimeoutMs !== undefined) await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.ceil(options.lockTimeoutMs))}`);
      const params: unknown[] = [];
      const where = scopeClause(scope, params);
      const limit = options.wait ? 1 : BATCH_ROWS;
      params.push(limit);
      // A scope is filled for someone searching it (newest first, as results are listed); the
      // worker goes oldest first.
      const { rows: claimed } = await client.query<{ id: string; size: number }>(
        `SELECT m.id::text AS id, m.size FROM message m WHERE m.search_vector IS NULL${where}
         ORDER BY m.id${scope ? ' DESC' : ''} LIMIT $${params.length} FOR UPDATE${options.wait ? '' : ' SKIP LOCKED'}`,
        params,
      );
      let filled = 0;
      for (let i = 0; i < claimed.length; ) {
        const ids: string[] = [];
        let bytes = 0;
        while (i < claimed.length && (ids.length === 0 || bytes + claimed[i]!.size <= BATCH_BYTES)) {
          bytes += claimed[i]!.size;
          ids.push(claimed[i++]!.id);
        }
        const { rows } = await client.query<{ id: string; data: Buffer }>(
          'SELECT m.id::text AS id, b.data FROM message m JOIN blob b ON b.id = m.blob_id WHERE m.id = ANY($1::bigint[])',
          [ids],
        );
        const texts = rows.map((r) => ({ id: r.id, ...searchTexts(r.data) }));
        filled += await this.write(client, texts);
      }
      await client.query('COMMIT');
      return { filled, more: claimed.length === limit };
    } catch (error) {
      await client.query('ROLLBACK').catch((rollback: unknown) => {
        broken = rollback instanceof Error ? rollback : new Error(String(rollback));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Writes the vectors of one batch. Should the batch statement fail (say, a message whose text
   * Postgres refuses), each row is retried alone under a savepoint, and a row that still fails
   * gets the vector of its subject and addresses only and empty IMAP search text (filled, so no
   * search parses it again), so one bad message cannot stall indexing.
   */
  private async write(client: pg.PoolClient, texts: { id: string; t: string; h: string; b: string }[]): Promise<number> {
    const run = (list: typeof texts) =>
      client.query(UPDATE_VECTORS, [list.map((x) => x.id), list.map((x) => x.t), list.map((x) => x.h), list.map((x) => x.b)]);
    await client.query('SAVEPOINT fill_batch');
    try {
      await run(texts);
      await client.query('RELEASE SAVEPOINT fill_batch');
      return texts.length;
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT fill_batch');
    }
    for (const one of texts) {
      try {
        await run([one]);
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT fill_batch');
        await run([{ id: one.id, t: '', h: '', b: '' }]);
      }
    }
    await client.query('RELEASE SAVEPOINT fill_batch');
    return texts.length;
  }

  /** Whether some message in the scope is not filled yet. */
  async pending(scope?: FillScope): Promise<boolean> {
    const params: unknown[] = [];
    const where = scopeClause(scope, params);
    const { rows } = await this.pool.query(`SELECT 1 FROM message m WHERE m.search_vector IS NULL${where} LIMIT 1`, params);
    return rows.length > 0;
  }

  /**
   * Fills the scope before a search reads it, batch by batch (each its own transaction, so a
   * first search over a large unfilled mailbox holds no giant transaction and other writers keep
   * going). With `budgetMs` it returns once that much time is spent even though batches remain,
   * and when only rows other fillers hold are left (they are filling them), saying whether
   * messages are still pending. Without it, it waits for those rows (one at a time, see
   * fillBatch's `wait`) and returns with the scope filled. When nothing is pending (the usual
   * case once the worker caught up) this is one query.
   */
  async fillScope(scope: FillScope, options: FillScopeOptions = {}): Promise<FillScopeResult> {
    if (!(await this.pending(scope))) return { filled: 0, pending: false };
    const started = Date.now();
    const budget = options.budgetMs ?? Infinity;
    const aborted = () => options.signal?.aborted === true;
    const spent = () => Date.now() - started >= budget;
    let filled = 0;
    for (;;) {
      const batch = await this.fillBatch(scope);
      filled += batch.filled;
      if (batch.more) {
        if (aborted() || spent()) return { filled, pending: true };
        continue;
      }
      // Nothing left to claim: done, or what is left is held by someone else.
      if (!(await this.pending(scope))) return { filled, pending: false };
      if (aborted() || budget !== Infinity) return { filled, pending: true };
      filled += (await this.fillBatch(scope, { wait: true })).filled;
    }
  }
}
