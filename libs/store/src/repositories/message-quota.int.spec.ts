import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';
import { StoreError } from '../errors';

/**
 * QUOTA MESSAGE (RFC 9208 5.2) enforced by the store in the same statement as the storage
 * quota: concurrent appends, MULTIAPPENDs and copies to any of an account's mailboxes never
 * take it past the limit, and every refused one fails with over_quota having stored nothing.
 */
let db: TestDatabase;
let seq = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
});
afterAll(() => db.drop());

async function account(name: string, quotaBytes = 0) {
  const created = await db.store.accounts.create({ address: `${name}@example.test`, passwordHash: 'x', quotaBytes });
  const inbox = (await db.store.mailboxes.findByName(created.id, 'INBOX'))!;
  return { id: created.id, inbox: inbox.id };
}

/** A message nobody else has (distinct blobs, so MULTIAPPENDs take the multi-statement path). */
const fresh = () => sampleMessage(++seq, { subject: `quota ${seq}` });

/** Messages actually stored in the account's mailboxes, counted row by row (not from the counters). */
async function storedRows(accountId: number): Promise<number> {
  let n = 0;
  for (const box of await db.store.mailboxes.list(accountId)) n += (await db.store.messages.list(box.id)).length;
  return n;
}

async function messages(accountId: number): Promise<number> {
  return (await db.store.imapQuota.usage(accountId))!.messages;
}

function overQuota(results: PromiseSettledResult<unknown>[]): number {
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  for (const r of rejected) expect(r.reason instanceof StoreError && r.reason.code === 'over_quota', String(r.reason)).toBe(true);
  return rejected.length;
}

describe('MESSAGE quota in the store (RFC 9208 5.2)', () => {
  it('concurrent single appends to three mailboxes of one account: exactly the room left is stored, the rest are over_quota', async () => {
    const a = await account('race');
    const boxes = [a.inbox, (await db.store.mailboxes.create(a.id, 'One')).id, (await db.store.mailboxes.create(a.id, 'Two')).id];
    const limit = 10;
    await db.store.messages.append(a.inbox, [{ raw: fresh() }, { raw: fresh() }], { messageLimit: limit });

    const attempts = 30;
    const results = await Promise.allSettled(
      Array.from({ length: attempts }, (_, i) => db.store.messages.append(boxes[i % boxes.length]!, [{ raw: fresh() }], { messageLimit: limit })),
    );
    const stored = results.filter((r) => r.status === 'fulfilled').length;
    expect(stored).toBe(limit - 2);
    expect(overQuota(results)).toBe(attempts - stored);
    expect(await messages(a.id)).toBe(limit);
    expect(await storedRows(a.id)).toBe(limit);
    // the storage charge matches what is stored: refused appends were charged nothing
    expect((await db.store.imapQuota.usage(a.id))!.storageBytes).toBe(await db.store.imapQuota.recount(a.id));
  });

  it.each([
    ['commits', 'over_quota'],
    ['rolls back', 'stored'],
  ] as const)('an append that waited for another writer of the account sees its count when it %s (%s)', async (ending, expected) => {
    const a = await account(`stale-${ending.replace(' ', '-')}`);
    const other = (await db.store.mailboxes.create(a.id, 'Other')).id;
    await db.store.messages.append(a.inbox, [{ raw: fresh() }]);
    const limit = 2;
    const writer = new pg.Client({ connectionString: db.url });
    const watcher = new pg.Client({ connectionString: db.url });
    await Promise.all([writer.connect(), watcher.connect()]);
    try {
      // A writer mid-transaction that added a message to INBOX and charged the account row, as
      // every writer does before it commits. The append to Other (room for one by the committed
      // count) snapshots the counters without that message, then waits for the account row.
      await writer.query('BEGIN');
      await writer.query('UPDATE mailbox SET message_count = message_count + 1 WHERE id = $1', [a.inbox]);
      await writer.query('UPDATE account SET used_bytes = used_bytes + 1 WHERE id = $1', [a.id]);
      const pending = db.store.messages.append(other, [{ raw: fresh() }], { messageLimit: limit }).then(
        () => 'stored',
        (error: unknown) => (error instanceof StoreError ? error.code : String(error)),
      );
      const waiting = async () =>
        (await watcher.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rowCount! > 0;
      while (!(await waiting())) await new Promise((resolve) => setTimeout(resolve, 5));
      await writer.query(ending === 'commits' ? 'COMMIT' : 'ROLLBACK');
      expect(await pending).toBe(expected);
      expect(await messages(a.id)).toBe(limit);
    } finally {
      await Promise.all([writer.end(), watcher.end()]);
    }
  });

  it('concurrent MULTIAPPENDs, single appends and copies never go past the limit; a refused batch stores none of its messages', async () => {
    const a = await account('mixed');
    const other = (await db.store.mailboxes.create(a.id, 'Other')).id;
    const limit = 9;
    const [seed] = await db.store.messages.append(a.inbox, [{ raw: fresh() }], { messageLimit: limit });

    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      work.push(db.store.messages.append(i % 2 ? other : a.inbox, [{ raw: fresh() }, { raw: fresh() }], { messageLimit: limit }));
      work.push(db.store.messages.append(i % 2 ? a.inbox : other, [{ raw: fresh() }], { messageLimit: limit }));
      work.push(db.store.messages.copy(a.inbox, [seed!.uid], other, false, { messageLimit: limit }));
    }
    const results = await Promise.allSettled(work);
    const refused = overQuota(results);
    expect(refused).toBeGreaterThan(0);
    const count = await messages(a.id);
    expect(count).toBeLessThanOrEqual(limit);
    expect(await storedRows(a.id)).toBe(count);
    // every fulfilled call stored all of its messages, every refused one none
    const added = results.reduce((n, r, i) => (r.status === 'fulfilled' ? n + (i % 3 === 0 ? 2 : 1) : n), 0);
    expect(count).toBe(1 + added);
    // no refusal without cause: the count only grew, so a refused one-message append or copy
    // means the account was full then, and so it is now
    const refusedSingle = results.some((r, i) => r.status === 'rejected' && i % 3 !== 0);
    if (refusedSingle) expect(count).toBe(limit);
    else expect(count).toBeGreaterThanOrEqual(limit - 1);
  });

  it('COPY at the limit is over_quota with nothing changed; MOVE at the limit is allowed and keeps the count', async () => {
    const a = await account('copymove');
    const target = (await db.store.mailboxes.create(a.id, 'Target')).id;
    const limit = 3;
    await db.store.messages.append(a.inbox, [{ raw: fresh() }, { raw: fresh() }, { raw: fresh() }], { messageLimit: limit });
    const before = await db.store.imapQuota.usage(a.id);

    await expect(db.store.messages.copy(a.inbox, [1], target, false, { messageLimit: limit })).rejects.toMatchObject({ code: 'over_quota' });
    expect(await db.store.imapQuota.usage(a.id)).toEqual(before);
    expect(await db.store.messages.list(target)).toHaveLength(0);
    expect((await db.store.mailboxes.findById(target))!.uidNext).toBe(1);

    const moved = await db.store.messages.copy(a.inbox, [1, 2], target, true, { messageLimit: limit });
    expect(moved.pairs).toEqual([[1, 1], [2, 2]]);
    expect(await db.store.imapQuota.usage(a.id)).toEqual(before);
    expect((await db.store.messages.list(target)).map((m) => m.uid)).toEqual([1, 2]);

    // with room for one, a copy of one fits and a copy of two does not
    await db.store.messages.copy(target, [1], a.inbox, false, { messageLimit: limit + 1 });
    await expect(db.store.messages.copy(target, [1, 2], a.inbox, false, { messageLimit: limit + 2 })).rejects.toMatchObject({ code: 'over_quota' });
    expect(await messages(a.id)).toBe(limit + 1);
  });

  it('a limit of 0 is no limit, and the storage quota still refuses when a message limit is set', async () => {
    const a = await account('limits', 1_000);
    await db.store.messages.append(a.inbox, [{ raw: fresh() }, { raw: fresh() }], { messageLimit: 0 });
    await db.store.messages.append(a.inbox, [{ raw: fresh() }]);
    expect(await messages(a.id)).toBe(3);
    const big = sampleMessage(++seq, { body: 'x'.repeat(2_000) });
    await expect(db.store.messages.append(a.inbox, [{ raw: big }], { messageLimit: 100 })).rejects.toMatchObject({ code: 'over_quota' });
    expect(await messages(a.id)).toBe(3);
  });
});
