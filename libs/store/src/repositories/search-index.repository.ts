import { parseMessage } from '@mailstead/mime';
import type pg from 'pg';
import { foldForSearch, searchHeaderText } from './imap.repository';

/**
 * Lazy full-text indexing (as Dovecot indexes at search time, not at delivery): delivery and
 * append store `message.search_vector` as NULL, because to_tsvector and the GIN insert were most
 * of Postgres' cost per delivered message. This repository fills missing vectors from the blobs:
 * the worker role calls `fillBatch` periodically, and a webmail search calls `fillScope` for the
 * mailboxes it is about to search, so a just-delivered message is found all the same. A search
 * gives that fill a time budget: after a bulk import (or with no worker running) the backlog can
 * take minutes, so the search answers with what is indexed by then, says so, and the API keeps
 * filling that scope in the background. Scoped fills go newest first, so what is still missing
 * from such an answer is the older mail.
 *
 * The vector has the weights delivery used to give it: subject 'A', from/to/cc 'B', body text
 * (libs/mime's search text, as many characters as fit under MAX_BODY_BYTES) unweighted. The same
 * parse also fills IMAP's `search_header`/`search_body` when they are still missing, so an IMAP
 * SEARCH later need not parse the blob again.
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

export interface FillResult {
  /** vectors written */
  filled: number;
  /** whether NULL vectors may remain in the scope (a full batch was claimed, or rows were locked) */
  more: boolean;
}

export interface FillScopeOptions {
  /**
   * Overall time budget in ms: once it is spent no further batch starts (the batch under way
   * finishes; at least one batch always runs, so every call makes progress). Default: none.
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

function scopeClause(scope: SearchIndexScope | undefined, params: unknown[]): string {
  if (!scope) return '';
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
   * Fills one batch of NULL vectors in ONE short transaction: claims up to BATCH_ROWS rows with
   * FOR UPDATE SKIP LOCKED (so several workers, and a search running beside them, never take the
   * same rows and never wait on each other), parses their blobs, writes the vectors, commits.
   */
  async fillBatch(scope?: SearchIndexScope): Promise<FillResult> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const params: unknown[] = [];
      const where = scopeClause(scope, params);
      params.push(BATCH_ROWS);
      // A scope is filled for someone searching it (newest first, as results are listed); the
      // worker goes oldest first.
      const { rows: claimed } = await client.query<{ id: string; size: number }>(
        `SELECT m.id::text AS id, m.size FROM message m WHERE m.search_vector IS NULL${where}
         ORDER BY m.id${scope ? ' DESC' : ''} LIMIT $${params.length} FOR UPDATE SKIP LOCKED`,
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
      return { filled, more: claimed.length === BATCH_ROWS };
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
   * gets the vector of its subject and addresses only, so one bad message cannot stall indexing.
   */
  private async write(client: pg.PoolClient, texts: { id: string; t: string; h: string | null; b: string | null }[]): Promise<number> {
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
        await run([{ id: one.id, t: '', h: null, b: null }]);
      }
    }
    await client.query('RELEASE SAVEPOINT fill_batch');
    return texts.length;
  }

  /** Whether some message in the scope has no vector yet. */
  async pending(scope?: SearchIndexScope): Promise<boolean> {
    const params: unknown[] = [];
    const where = scopeClause(scope, params);
    const { rows } = await this.pool.query(`SELECT 1 FROM message m WHERE m.search_vector IS NULL${where} LIMIT 1`, params);
    return rows.length > 0;
  }

  /**
   * Fills the NULL vectors of the scope before a search reads them, batch by batch (each its own
   * transaction, so a first search over a large unindexed mailbox holds no giant transaction and
   * other writers keep going). Rows another process holds (the worker's batch, a flag update) are
   * skipped and re-checked after a short pause until none is left or `maxWaitMs` passed.
   * With `budgetMs` it returns once that much time is spent even though batches remain, and says
   * whether messages are still pending; without it, it goes on until the scope is filled.
   * When nothing is pending (the usual case once the worker caught up) this is one query.
   */
  async fillScope(scope: SearchIndexScope, maxWaitMs = 10_000, options: FillScopeOptions = {}): Promise<FillScopeResult> {
    if (!(await this.pending(scope))) return { filled: 0, pending: false };
    const started = Date.now();
    const budget = options.budgetMs ?? Infinity;
    const stopped = () => options.signal?.aborted === true || Date.now() - started >= budget;
    let filled = 0;
    let waitedSince: number | undefined;
    for (;;) {
      const batch = await this.fillBatch(scope);
      filled += batch.filled;
      if (batch.more || batch.filled > 0) {
        waitedSince = undefined;
        if (stopped()) return { filled, pending: batch.more || (await this.pending(scope)) };
        continue;
      }
      if (!(await this.pending(scope))) return { filled, pending: false };
      if (stopped()) return { filled, pending: true };
      waitedSince ??= Date.now();
      if (Date.now() - waitedSince > maxWaitMs) return { filled, pending: true };
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(50, started + budget - Date.now()))));
    }
  }
}
