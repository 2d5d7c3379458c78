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

describe('SieveRepository: personal scripts (RFC 5804 rules)', () => {
  it('keeps at most one active script, refuses to delete it, and bumps the version on replace', async () => {
    await db.store.sieve.put(alice, 'one', 'keep;');
    await db.store.sieve.put(alice, 'two', 'discard;');
    expect(await db.store.sieve.setActive(alice, 'one')).toBe(true);
    expect(await db.store.sieve.setActive(alice, 'two')).toBe(true);
    expect(await db.store.sieve.list(alice)).toEqual([
      { name: 'one', active: false, size: 5 },
      { name: 'two', active: true, size: 8 },
    ]);
    expect(await db.store.sieve.setActive(alice, 'missing')).toBe(false);
    expect(await db.store.sieve.remove(alice, 'two')).toBe('active');
    const replaced = await db.store.sieve.put(alice, 'two', 'stop; # é');
    expect(replaced).toMatchObject({ version: 2, active: true });
    expect((await db.store.sieve.list(alice))[1]).toEqual({ name: 'two', active: true, size: 10 });
    expect(await db.store.sieve.active(bob)).toBeNull();
    expect(await db.store.sieve.get(bob, 'two')).toBeNull();
    await db.store.sieve.setActive(alice, null);
    expect(await db.store.sieve.active(alice)).toBeNull();
    expect(await db.store.sieve.remove(alice, 'two')).toBe('deleted');
    expect(await db.store.sieve.remove(alice, 'two')).toBe('missing');
  });

  it('renames without clobbering another script, and reports an error once per version', async () => {
    await db.store.sieve.put(bob, 'a', 'keep;');
    await db.store.sieve.put(bob, 'b', 'keep;');
    expect(await db.store.sieve.rename(bob, 'a', 'b')).toBe('exists');
    expect(await db.store.sieve.rename(bob, 'nope', 'c')).toBe('missing');
    expect(await db.store.sieve.rename(bob, 'a', 'c')).toBe('renamed');
    const c = (await db.store.sieve.get(bob, 'c'))!;
    expect(await db.store.sieve.markReported(c.id, c.version)).toBe(true);
    expect(await db.store.sieve.markReported(c.id, c.version)).toBe(false);
    const next = await db.store.sieve.put(bob, 'c', 'discard;');
    expect(await db.store.sieve.markReported(next.id, next.version)).toBe(true);
  });
});

describe('SieveRepository: admin scripts', () => {
  it('orders global and domain scripts around the user script and finds global includes', async () => {
    const other = (await db.store.domains.create('other.test')).id;
    await db.store.sieve.putAdmin({ domainId: null }, 'before', 'g-before', 'keep;');
    await db.store.sieve.putAdmin({ domainId }, 'before', 'd-before', 'keep;');
    await db.store.sieve.putAdmin({ domainId }, 'after', 'd-after', 'keep;');
    await db.store.sieve.putAdmin({ domainId: null }, 'after', 'g-after', 'keep;');
    await db.store.sieve.putAdmin({ domainId: other }, 'before', 'other-before', 'keep;');
    await db.store.sieve.putAdmin({ domainId: null }, 'include', 'spam-rules', 'fileinto "Junk";');
    const around = await db.store.sieve.aroundUser(domainId);
    expect(around.before.map((s) => s.name)).toEqual(['g-before', 'd-before']);
    expect(around.after.map((s) => s.name)).toEqual(['d-after', 'g-after']);
    expect((await db.store.sieve.globalInclude('spam-rules'))?.content).toBe('fileinto "Junk";');
    expect(await db.store.sieve.globalInclude('d-before')).toBeNull();
    expect(await db.store.sieve.removeAdmin({ domainId }, 'd-before')).toBe(true);
    expect((await db.store.sieve.listAdmin({ domainId })).map((s) => s.name)).toEqual(['d-after']);
  });
});
