import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';
import type { MailboxInfo } from './mailbox.repository';

let db: TestDatabase;
let accountId: number;
let n = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
  accountId = (await db.store.accounts.create({ address: 'sync@example.test', passwordHash: 'x' })).id;
});
afterAll(() => db.drop());

async function mailboxWith(name: string, count: number): Promise<MailboxInfo> {
  const box = await db.store.mailboxes.create(accountId, name);
  await db.store.messages.append(box.id, Array.from({ length: count }, () => ({ raw: sampleMessage(++n) })));
  return (await db.store.mailboxes.findByName(accountId, name))!;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CONDSTORE changedSince (RFC 7162 section 3.1.4.1)', () => {
  it('returns messages with a higher MODSEQ, with flags, optionally within a UID set', async () => {
    const box = await mailboxWith('Changed', 6);
    const base = box.highestModseq;
    await db.store.messages.updateFlags(box.id, [2, 5], 'add', ['\\Seen', '$Label1']);
    const all = await db.store.imapSync.changedSince(box.id, base);
    expect(all.map((m) => m.uid)).toEqual([2, 5]);
    expect(all[0]!.flags).toEqual(['\\Seen', '$Label1']);
    expect(all[0]!.modseq).toBeGreaterThan(base);
    expect((await db.store.imapSync.changedSince(box.id, base, [{ from: 3, to: Infinity }])).map((m) => m.uid)).toEqual([5]);
    expect((await db.store.imapSync.changedSince(box.id, base, [{ from: 1, to: 1 }, { from: 2, to: 2 }])).map((m) => m.uid)).toEqual([2]);
    expect(await db.store.imapSync.changedSince(box.id, all[0]!.modseq)).toEqual([]);
    // MODSEQ 0 means everything (a client with no cache).
    expect(await db.store.imapSync.changedSince(box.id, 0n)).toHaveLength(6);
  });
});

describe('QRESYNC vanishedSince and expunge history pruning (RFC 7162 section 3.2.5)', () => {
  it('answers VANISHED from the expunged table, limited to the known UIDs', async () => {
    const box = await mailboxWith('Vanish', 10);
    const before = box.highestModseq;
    await db.store.messages.updateFlags(box.id, [2, 3, 4, 8], 'add', ['\\Deleted']);
    await db.store.messages.expunge(box.id);
    const exact = await db.store.imapSync.vanishedSince(box.id, before);
    expect(exact).toMatchObject({ fromHistory: true, vanished: [{ from: 2, to: 4 }, { from: 8, to: 8 }] });
    expect(exact!.highestModseq).toBeGreaterThan(before);
    const known = await db.store.imapSync.vanishedSince(box.id, before, [{ from: 3, to: 3 }, { from: 7, to: 100 }]);
    expect(known!.vanished).toEqual([{ from: 3, to: 3 }, { from: 8, to: 8 }]);
    // Nothing vanished after the current MODSEQ.
    expect((await db.store.imapSync.vanishedSince(box.id, exact!.highestModseq))!.vanished).toEqual([]);
    expect(await db.store.imapSync.vanishedSince(999_999, 0n)).toBeNull();
  });

  it('falls back to "every known UID that is gone" once the history is pruned, and prunes by age', async () => {
    const box = await mailboxWith('Pruned', 8);
    const start = box.highestModseq;
    await db.store.messages.updateFlags(box.id, [1, 2], 'add', ['\\Deleted']);
    await db.store.messages.expunge(box.id);
    const afterFirst = (await db.store.mailboxes.findByName(accountId, 'Pruned'))!.highestModseq;
    await pause(30);
    const cutoff = new Date();
    await pause(30);
    await db.store.messages.updateFlags(box.id, [6], 'add', ['\\Deleted']);
    await db.store.messages.expunge(box.id);

    expect(await db.store.imapSync.expungeHorizon(box.id)).toBe(0n);
    const pruned = await db.store.imapSync.pruneExpunged(cutoff);
    expect(pruned.deleted).toBeGreaterThanOrEqual(2);
    expect(await db.store.imapSync.expungeHorizon(box.id)).toBe(afterFirst);

    // A client at or after the horizon still gets the exact answer (UID 6 only).
    expect(await db.store.imapSync.vanishedSince(box.id, afterFirst)).toMatchObject({ fromHistory: true, vanished: [{ from: 6, to: 6 }] });
    // A client from before it gets every UID below UIDNEXT that no longer exists: a superset, never missing one.
    const fallback = await db.store.imapSync.vanishedSince(box.id, start);
    expect(fallback).toMatchObject({ fromHistory: false, vanished: [{ from: 1, to: 2 }, { from: 6, to: 6 }] });
    // ... limited to what the client says it knows, without expanding a huge range.
    const limited = await db.store.imapSync.vanishedSince(box.id, start, [{ from: 2, to: 4294967295 }]);
    expect(limited!.vanished).toEqual([{ from: 2, to: 2 }, { from: 6, to: 6 }]);

    // Pruning again with the same cutoff removes nothing more and keeps the horizon.
    expect((await db.store.imapSync.pruneExpunged(cutoff)).deleted).toBe(0);
    expect(await db.store.imapSync.expungeHorizon(box.id)).toBe(afterFirst);
  });

  it('reports the MODSEQ of each UID for SEARCH MODSEQ (RFC 7162 section 3.1.5)', async () => {
    const box = await mailboxWith('Modseqs', 3);
    await db.store.messages.updateFlags(box.id, [3], 'add', ['\\Flagged']);
    const map = await db.store.imapSync.modseqs(box.id, [1, 3, 99]);
    expect([...map.keys()].sort()).toEqual([1, 3]);
    expect(map.get(3)!).toBeGreaterThan(map.get(1)!);
    expect((await db.store.imapSync.modseqs(box.id, [])).size).toBe(0);
  });
});
