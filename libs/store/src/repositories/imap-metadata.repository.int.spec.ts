import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@mailstead/testing';
import { StoreError } from '../errors';
import { MetadataError } from './imap-metadata.repository';

let db: TestDatabase;
let alice: number;
let bob: number;
let aliceInbox: number;
let bobInbox: number;
const limits = { maxValueBytes: 1024, maxEntries: 10 };
const text = (s: string) => Buffer.from(s);

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
  alice = (await db.store.accounts.create({ address: 'alice@example.test', passwordHash: 'x' })).id;
  bob = (await db.store.accounts.create({ address: 'bob@example.test', passwordHash: 'x' })).id;
  aliceInbox = (await db.store.mailboxes.findByName(alice, 'INBOX'))!.id;
  bobInbox = (await db.store.mailboxes.findByName(bob, 'INBOX'))!.id;
});
afterAll(() => db.drop());

const values = (r: { entries: { entry: string; value: Buffer }[] }) => r.entries.map((e) => [e.entry, e.value.toString()]);

describe('ImapMetadataRepository (RFC 5464)', () => {
  it('sets, gets and removes mailbox entries (section 4.3 examples)', async () => {
    const target = { accountId: alice, mailboxId: aliceInbox };
    await db.store.imapMetadata.set(target, [{ entry: '/private/comment', value: text('My new comment\r\nacross two lines.') }], limits);
    await db.store.imapMetadata.set(target, [{ entry: '/shared/comment', value: text('This one is for you!') }], limits);
    expect(values(await db.store.imapMetadata.get(target, ['/shared/comment', '/private/comment']))).toEqual([
      ['/private/comment', 'My new comment\r\nacross two lines.'],
      ['/shared/comment', 'This one is for you!'],
    ]);
    await db.store.imapMetadata.set(target, [{ entry: '/private/comment', value: null }], limits);
    expect(values(await db.store.imapMetadata.get(target, ['/private/comment']))).toEqual([]);
    // Bob's INBOX has none of Alice's annotations.
    expect(values(await db.store.imapMetadata.get({ accountId: bob, mailboxId: bobInbox }, ['/shared/comment']))).toEqual([]);
  });

  it('answers DEPTH 0 / 1 / infinity and MAXSIZE with LONGENTRIES (sections 4.2.1, 4.2.2)', async () => {
    const target = { accountId: alice, mailboxId: aliceInbox };
    await db.store.imapMetadata.set(
      target,
      [
        { entry: '/private/filters/values/small', value: text('SMALLER 5000') },
        { entry: '/private/filters/values/boss', value: text('FROM "boss@example.com"') },
        { entry: '/private/filters/values/boss/deep', value: text('x'.repeat(900)) },
        { entry: '/private/filters/values_other', value: text('not a child') },
      ],
      limits,
    );
    const spec = ['/private/filters/values'];
    expect(values(await db.store.imapMetadata.get(target, spec))).toEqual([]);
    expect(values(await db.store.imapMetadata.get(target, spec, { depth: '1' }))).toEqual([
      ['/private/filters/values/boss', 'FROM "boss@example.com"'],
      ['/private/filters/values/small', 'SMALLER 5000'],
    ]);
    const all = await db.store.imapMetadata.get(target, spec, { depth: 'infinity', maxSize: 100 });
    expect(all.entries.map((e) => e.entry)).toEqual(['/private/filters/values/boss', '/private/filters/values/small']);
    expect(all.longest).toBe(900);
  });

  it('keeps server entries apart: /private per account, /shared for everyone and admin-only', async () => {
    await db.store.imapMetadata.set({ accountId: alice, mailboxId: null }, [{ entry: '/private/vendor/acme/theme', value: text('dark') }], limits);
    expect(values(await db.store.imapMetadata.get({ accountId: alice, mailboxId: null }, ['/private'], { depth: 'infinity' }))).toEqual([
      ['/private/vendor/acme/theme', 'dark'],
    ]);
    expect(values(await db.store.imapMetadata.get({ accountId: bob, mailboxId: null }, ['/private'], { depth: 'infinity' }))).toEqual([]);

    await expect(db.store.imapMetadata.set({ accountId: bob, mailboxId: null }, [{ entry: '/shared/comment', value: text('hi') }], limits)).rejects.toMatchObject({
      kind: 'READONLY',
    });
    await db.store.imapMetadata.set({ accountId: alice, mailboxId: null }, [{ entry: '/shared/comment', value: text('Shared comment') }], limits, {
      canWriteSharedServer: true,
    });
    expect(values(await db.store.imapMetadata.get({ accountId: bob, mailboxId: null }, ['/shared/comment']))).toEqual([['/shared/comment', 'Shared comment']]);
  });

  it('enforces MAXSIZE and TOOMANY all-or-nothing (section 4.3)', async () => {
    const box = await db.store.mailboxes.create(alice, 'Limits');
    const target = { accountId: alice, mailboxId: box.id };
    const tooBig = db.store.imapMetadata.set(target, [{ entry: '/private/a', value: text('ok') }, { entry: '/private/b', value: Buffer.alloc(1025) }], limits);
    await expect(tooBig).rejects.toBeInstanceOf(MetadataError);
    await expect(tooBig).rejects.toMatchObject({ kind: 'MAXSIZE', max: 1024 });
    expect(values(await db.store.imapMetadata.get(target, ['/private/a']))).toEqual([]);

    const ten = Array.from({ length: 10 }, (_, i) => ({ entry: `/private/e${i}`, value: text(String(i)) }));
    await db.store.imapMetadata.set(target, ten, limits);
    // Replacing an existing entry at the limit is fine; an eleventh is not, and changes nothing.
    await db.store.imapMetadata.set(target, [{ entry: '/private/e0', value: text('new') }], limits);
    await expect(
      db.store.imapMetadata.set(target, [{ entry: '/private/e1', value: text('changed') }, { entry: '/private/e10', value: text('x') }], limits),
    ).rejects.toMatchObject({ kind: 'TOOMANY' });
    expect(values(await db.store.imapMetadata.get(target, ['/private/e1', '/private/e0']))).toEqual([
      ['/private/e0', 'new'],
      ['/private/e1', '1'],
    ]);
    // Removing one makes room again.
    await db.store.imapMetadata.set(target, [{ entry: '/private/e9', value: null }, { entry: '/private/e10', value: text('x') }], limits);
  });

  it('holds the entry limit under concurrent writers', async () => {
    const box = await db.store.mailboxes.create(alice, 'Race');
    const target = { accountId: alice, mailboxId: box.id };
    const attempts = Array.from({ length: 16 }, (_, i) => db.store.imapMetadata.set(target, [{ entry: `/private/r${i}`, value: text('v') }], limits));
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    const stored = await db.store.imapMetadata.get(target, ['/private'], { depth: 'infinity' });
    expect(stored.entries).toHaveLength(10);
  });

  it('refuses a mailbox of another account, follows rename, goes with delete, copies for RENAME INBOX', async () => {
    await expect(db.store.imapMetadata.get({ accountId: bob, mailboxId: aliceInbox }, ['/shared/comment'])).rejects.toBeInstanceOf(StoreError);
    await expect(db.store.imapMetadata.set({ accountId: bob, mailboxId: aliceInbox }, [{ entry: '/shared/x', value: text('y') }], limits)).rejects.toMatchObject({
      code: 'not_found',
    });

    const box = await db.store.mailboxes.create(alice, 'Old');
    await db.store.imapMetadata.set({ accountId: alice, mailboxId: box.id }, [{ entry: '/shared/comment', value: text('follows') }], limits);
    await db.store.mailboxes.rename(alice, 'Old', 'New');
    const renamed = (await db.store.mailboxes.findByName(alice, 'New'))!;
    expect(values(await db.store.imapMetadata.get({ accountId: alice, mailboxId: renamed.id }, ['/shared/comment']))).toEqual([['/shared/comment', 'follows']]);

    const copy = await db.store.mailboxes.create(alice, 'Copy');
    expect(await db.store.imapMetadata.copyMailboxEntries(renamed.id, copy.id)).toBe(1);
    expect(values(await db.store.imapMetadata.get({ accountId: alice, mailboxId: copy.id }, ['/shared/comment']))).toEqual([['/shared/comment', 'follows']]);

    await db.store.mailboxes.delete(renamed.id);
    const again = await db.store.mailboxes.create(alice, 'New');
    expect(values(await db.store.imapMetadata.get({ accountId: alice, mailboxId: again.id }, ['/shared/comment']))).toEqual([]);
  });
});
