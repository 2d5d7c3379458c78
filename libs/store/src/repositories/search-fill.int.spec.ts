import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';

/**
 * The one lazy search-text fill (search-index.repository.ts) as its callers meet it at once on
 * the real Postgres: the worker (fillBatch), a webmail search (fillScope with a budget) and an
 * IMAP text SEARCH (fillScope of one mailbox, no budget). More messages than one batch (200), so
 * every filler needs several batches and they overlap.
 */
const COUNT = 450;
let db: TestDatabase;
let accountId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('fill.test');
  accountId = (await db.store.accounts.create({ address: 'reader@fill.test', passwordHash: 'x' })).id;
});
afterAll(() => db.drop());

/** A mailbox of COUNT unfilled messages (append leaves the search columns NULL); every third mentions "zebra". */
async function unfilledMailbox(name: string): Promise<{ id: number; zebras: number[] }> {
  const box = await db.store.mailboxes.create(accountId, name);
  const items = Array.from({ length: COUNT }, (_, n) => ({ raw: sampleMessage(n, { body: n % 3 === 0 ? `A Zebra crossing, note ${n}.` : `Plain note ${n}.` }) }));
  const stored = await db.store.messages.append(box.id, items);
  return { id: box.id, zebras: stored.filter((_, n) => n % 3 === 0).map((m) => m.uid) };
}

async function unfilledRows(mailboxId: number): Promise<number> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM message WHERE mailbox_id = $1 AND (search_vector IS NULL OR search_header IS NULL OR search_body IS NULL)',
      [mailboxId],
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

describe('the lazy search-text fill', () => {
  it('fills a mailbox once however many fillers run at once: every row by exactly one of them', async () => {
    const box = await unfilledMailbox('Concurrent');
    const [imap, webmail, worker] = await Promise.all([
      db.store.searchIndex.fillScope({ mailboxId: box.id }),
      db.store.searchIndex.fillScope({ accountId, mailboxId: box.id }, { budgetMs: 60_000 }),
      db.store.searchIndex.fillBatch(),
    ]);
    // SKIP LOCKED: no row is claimed (parsed, written) twice, so the counts add up exactly
    expect(imap.filled + webmail.filled + worker.filled).toBe(COUNT);
    expect(imap.pending).toBe(false);
    expect(await unfilledRows(box.id)).toBe(0);
    expect(await db.store.imap.search(box.id, { type: 'body', value: 'zebra' })).toEqual(box.zebras);
  });

  it('a budgeted fill never waits for rows another session holds; an IMAP SEARCH waits for them and finds everything', async () => {
    const box = await unfilledMailbox('Held');
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      // Another session holds the newest zebra message (as a filler's batch or a STORE would).
      await holder.query('BEGIN');
      const held = box.zebras.at(-1)!;
      await holder.query('SELECT id FROM message WHERE mailbox_id = $1 AND uid = $2 FOR UPDATE', [box.id, held]);

      const webmail = await db.store.searchIndex.fillScope({ accountId, mailboxId: box.id }, { budgetMs: 60_000 });
      expect(webmail).toEqual({ filled: COUNT - 1, pending: true });

      let answered = false;
      const search = db.store.imap.search(box.id, { type: 'text', value: 'ZEBRA' }).finally(() => (answered = true));
      // The search's fill is queued behind the held row lock (seen by Postgres, not guessed by a timer).
      await expect
        .poll(async () => (await holder.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].n, { timeout: 10_000 })
        .toBe(1);
      expect(answered).toBe(false);
      await holder.query('COMMIT');
      expect(await search).toEqual(box.zebras);
      expect(await unfilledRows(box.id)).toBe(0);
    } finally {
      await holder.end();
    }
  });
});
