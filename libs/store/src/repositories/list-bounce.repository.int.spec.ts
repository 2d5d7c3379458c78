import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@mailstead/testing';

let db: TestDatabase;
const disable = { threshold: 2, action: 'disable' as const };

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
});
afterAll(() => db.drop());

describe('ListBounceRepository: bounce state per member and reset', () => {
  it('lists every member with its bounce state and resets one member only', async () => {
    const list = await db.store.lists.create({ address: 'state@example.test' });
    for (const m of ['a@remote.test', 'b@remote.test', 'c@remote.test']) await db.store.lists.addMember(list.address, m);
    const first = new Date('2026-11-20T10:00:00.000Z');
    const second = new Date('2026-11-21T10:00:00.000Z');
    expect(await db.store.listBounces.recordBounce(list.id, 'A@remote.test', disable, first)).toMatchObject({ bounceCount: 1, outcome: 'counted' });
    expect(await db.store.listBounces.recordBounce(list.id, 'a@remote.test', disable, second)).toMatchObject({ bounceCount: 2, outcome: 'disabled' });
    await db.store.listBounces.recordBounce(list.id, 'b@remote.test', disable, first);

    expect(await db.store.listBounces.members(list.id)).toEqual([
      { address: 'a@remote.test', bounceCount: 2, lastBounceAt: second, disabledAt: second },
      { address: 'b@remote.test', bounceCount: 1, lastBounceAt: first, disabledAt: null },
      { address: 'c@remote.test', bounceCount: 0, lastBounceAt: null, disabledAt: null },
    ]);

    expect(await db.store.listBounces.reset(list.id, 'A@Remote.test')).toBe(true);
    expect(await db.store.listBounces.reset(list.id, 'nobody@remote.test')).toBe(false);
    const after = await db.store.listBounces.members(list.id);
    expect(after[0]).toEqual({ address: 'a@remote.test', bounceCount: 0, lastBounceAt: null, disabledAt: null });
    expect(after[1]).toEqual({ address: 'b@remote.test', bounceCount: 1, lastBounceAt: first, disabledAt: null });
  });

  it('keeps the rows of members who stay when the admin console replaces the member list', async () => {
    const list = await db.store.lists.create({ address: 'replace@example.test' });
    await db.store.lists.addMember(list.address, 'stay@remote.test', 'Stays Here');
    await db.store.lists.addMember(list.address, 'gone@remote.test');
    const at = new Date('2026-11-22T08:00:00.000Z');
    await db.store.listBounces.recordBounce(list.id, 'stay@remote.test', { threshold: 1, action: 'disable' }, at);

    await db.store.admin.updateList(list.id, {}, ['STAY@remote.test ', 'new@remote.test']);

    const rows = (await db.store.admin.list(list.id))!.members;
    expect(rows.map((m) => ({ address: m.address, name: m.name, bounceCount: m.bounceCount, lastBounceAt: m.lastBounceAt, disabledAt: m.disabledAt }))).toEqual([
      { address: 'new@remote.test', name: null, bounceCount: 0, lastBounceAt: null, disabledAt: null },
      { address: 'stay@remote.test', name: 'Stays Here', bounceCount: 1, lastBounceAt: at, disabledAt: at },
    ]);

    await db.store.admin.updateList(list.id, {}, []);
    expect(await db.store.listBounces.members(list.id)).toEqual([]);
  });
});
