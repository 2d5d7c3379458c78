import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@mailstead/testing';

let db: TestDatabase;
let alice: number;
let bob: number;
let domainId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  domainId = (await db.store.domains.create('example.test')).id;
  alice = (await db.store.accounts.create({ address: 'alice@example.test', passwordHash: 'x' })).id;
  bob = (await db.store.accounts.create({ address: 'bob@example.test', passwordHash: 'x' })).id;
});
afterAll(() => db.drop());

describe('SpamRepository: models', () => {
  it('learns in bulk, counts a message once, moves it when learned the other way, and keeps accounts apart', async () => {
    const spam = db.store.spam;
    expect(await spam.learn({ accountId: null }, 'd1', [11n, 12n, -13n], true)).toBe('learned');
    expect(await spam.learn({ accountId: null }, 'd1', [11n, 12n, -13n], true)).toBe('known');
    expect(await spam.learn({ accountId: null }, 'd2', [11n, 14n], false)).toBe('learned');
    expect(await spam.learn({ accountId: alice }, 'd1', [11n], false)).toBe('learned');
    let counts = await spam.counts([11n, 12n, -13n, 14n, 99n], [alice, bob]);
    expect(counts.global.totals).toEqual({ spam: 1, ham: 1 });
    expect(counts.global.tokens.get(11n)).toEqual({ spam: 1, ham: 1 });
    expect(counts.global.tokens.get(-13n)).toEqual({ spam: 1, ham: 0 });
    expect(counts.global.tokens.has(99n)).toBe(false);
    expect(counts.accounts.get(alice)!.totals).toEqual({ spam: 0, ham: 1 });
    expect(counts.accounts.get(bob)!.totals).toEqual({ spam: 0, ham: 0 });

    // the user said it was not spam after all: its counts move from spam to ham
    expect(await spam.learn({ accountId: null }, 'd1', [11n, 12n, -13n], false)).toBe('relearned');
    counts = await spam.counts([11n, 12n, -13n], []);
    expect(counts.global.totals).toEqual({ spam: 0, ham: 2 });
    expect(counts.global.tokens.get(12n)).toEqual({ spam: 0, ham: 1 });
    expect(await spam.stats({ accountId: null })).toEqual({ spamLearned: 0, hamLearned: 2, tokens: 4 });
    expect(await spam.accountModels()).toEqual([{ accountId: alice, address: 'alice@example.test', spamLearned: 0, hamLearned: 1 }]);
  });

  it('concurrent learners of overlapping token sets neither deadlock nor lose counts', async () => {
    const hashes = Array.from({ length: 200 }, (_, i) => BigInt(1000 + i));
    await Promise.all(Array.from({ length: 8 }, (_, i) => db.store.spam.learn({ accountId: bob }, `c${i}`, i % 2 ? hashes : [...hashes].reverse(), true)));
    const counts = await db.store.spam.counts(hashes, [bob]);
    expect(counts.accounts.get(bob)!.totals.spam).toBe(8);
    expect(counts.accounts.get(bob)!.tokens.get(1100n)).toEqual({ spam: 8, ham: 0 });
  });
});

describe('SpamRepository: quarantine and thresholds', () => {
  it('holds a message once per received digest, lists it without its bytes, and removes it', async () => {
    const item = { accountId: alice, receivedDigest: 'r1', sender: 's@x.example', recipient: 'alice@example.test', fromAddress: 's@x.example', subject: 'Win', score: 12.5, symbols: [{ name: 'BAYES_SPAM', score: 5.5, detail: '0.9990' }], probability: 0.999, data: Buffer.from('Subject: Win\r\n\r\nx') };
    await db.store.spam.hold(item);
    await db.store.spam.hold(item);
    const listed = await db.store.spam.quarantined(alice);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ subject: 'Win', score: 12.5, probability: 0.999, size: item.data.length, symbols: item.symbols });
    expect(await db.store.spam.quarantined(bob)).toEqual([]);
    expect(await db.store.spam.quarantinedMessage(bob, listed[0]!.id)).toBeNull();
    expect((await db.store.spam.quarantinedMessage(alice, listed[0]!.id))!.data.toString()).toBe(item.data.toString());
    expect(await db.store.spam.removeQuarantined(bob, listed[0]!.id)).toBe(false);
    expect(await db.store.spam.removeQuarantined(alice, listed[0]!.id)).toBe(true);
    expect(await db.store.spam.quarantined(alice)).toEqual([]);
  });

  it("an account's thresholds win over its domain's, field by field", async () => {
    await db.store.spam.setThresholds({ domainId }, { junk: 4, quarantine: 8, reject: null });
    await db.store.spam.setThresholds({ accountId: bob }, { junk: 2, quarantine: null, reject: 20 });
    const t = await db.store.spam.thresholds([alice, bob]);
    expect(t.get(alice)).toEqual({ junk: 4, quarantine: 8, reject: null });
    expect(t.get(bob)).toEqual({ junk: 2, quarantine: 8, reject: 20 });
    await db.store.spam.setThresholds({ accountId: bob }, { junk: null, quarantine: null, reject: null });
    expect((await db.store.spam.thresholds([bob])).get(bob)).toEqual({ junk: 4, quarantine: 8, reject: null });
    expect(await db.store.spam.ownThresholds({ domainId })).toEqual({ junk: 4, quarantine: 8, reject: null });
  });
});
