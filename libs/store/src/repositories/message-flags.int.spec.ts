import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';
import { ChangeFeed, type MailboxChange } from '../change-feed';

// updateFlags is one SQL statement (message.repository UPDATE_FLAGS); these pin its flag algebra.
let db: TestDatabase;
let accountId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
  accountId = (await db.store.accounts.create({ address: 'flags@example.test', passwordHash: 'x' })).id;
});
afterAll(() => db.drop());

describe('MessageRepository.updateFlags', () => {
  it('adds keywords in order without duplicates, removes and sets them, and keeps unseen_count right', async () => {
    const box = await db.store.mailboxes.create(accountId, 'Keywords');
    await db.store.messages.append(box.id, [1, 2].map((n) => ({ raw: sampleMessage(n), flags: n === 2 ? ['$A'] : [] })));
    let r = await db.store.messages.updateFlags(box.id, [1, 2], 'add', ['$B', '$A', '\\Answered']);
    expect(r.changed.map((c) => [c.uid, c.flags])).toEqual([
      [1, ['\\Answered', '$B', '$A']],
      [2, ['\\Answered', '$A', '$B']],
    ]);
    r = await db.store.messages.updateFlags(box.id, [1, 2], 'remove', ['$A', '\\Answered']);
    expect(r.changed.map((c) => [c.uid, c.flags])).toEqual([
      [1, ['$B']],
      [2, ['$B']],
    ]);
    r = await db.store.messages.updateFlags(box.id, [1], 'set', ['\\Seen', '\\Draft', '$C']);
    expect(r.changed.map((c) => c.flags)).toEqual([['\\Seen', '\\Draft', '$C']]);
    expect((await db.store.mailboxes.findById(box.id))!.unseenCount).toBe(1);
    r = await db.store.messages.updateFlags(box.id, [1, 2], 'set', ['\\Seen']);
    expect((await db.store.mailboxes.findById(box.id))!.unseenCount).toBe(0);
    r = await db.store.messages.updateFlags(box.id, [1, 2], 'remove', ['\\Seen']);
    expect((await db.store.mailboxes.findById(box.id))!.unseenCount).toBe(2);
  });

  it('a STORE that changes nothing takes no MODSEQ; a missing mailbox is not_found', async () => {
    const box = await db.store.mailboxes.create(accountId, 'Noop');
    await db.store.messages.append(box.id, [{ raw: sampleMessage(3), flags: ['\\Flagged'] }]);
    const before = (await db.store.mailboxes.findById(box.id))!.highestModseq;
    const r = await db.store.messages.updateFlags(box.id, [1, 99], 'add', ['\\Flagged']);
    expect(r).toEqual({ changed: [], modified: [] });
    expect((await db.store.mailboxes.findById(box.id))!.highestModseq).toBe(before);
    const next = await db.store.messages.updateFlags(box.id, [1], 'remove', ['\\Flagged']);
    expect(next.changed).toEqual([{ uid: 1, modseq: before + 1n, flags: [] }]);
    await expect(db.store.messages.updateFlags(999_999, [1], 'add', ['\\Seen'])).rejects.toMatchObject({ code: 'not_found' });
  });

  it('EXPUNGE (one statement) removes only \\Deleted messages, counts them out and records them', async () => {
    const box = await db.store.mailboxes.create(accountId, 'Gone');
    await db.store.messages.append(box.id, [1, 2, 3].map((n) => ({ raw: sampleMessage(n), flags: n === 3 ? ['\\Seen'] : [] })));
    const before = (await db.store.mailboxes.findById(box.id))!;
    expect(await db.store.messages.expunge(box.id)).toEqual([]);
    expect((await db.store.mailboxes.findById(box.id))!.highestModseq).toBe(before.highestModseq);
    await db.store.messages.updateFlags(box.id, [1, 2, 3], 'add', ['\\Deleted']);
    expect(await db.store.messages.expunge(box.id, [2, 3])).toEqual([2, 3]);
    const after = (await db.store.mailboxes.findById(box.id))!;
    expect([after.messageCount, after.unseenCount]).toEqual([1, 1]);
    expect(after.totalSize).toBe(BigInt(sampleMessage(1).length));
    expect(await db.store.messages.expungedSince(box.id, before.highestModseq)).toEqual([2, 3]);
    expect(await db.store.messages.expunge(box.id)).toEqual([1]);
    await expect(db.store.messages.expunge(999_999)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('the same expunge with deletedOnly false (POP3 DELE, webmail delete, MOVE) removes the given messages whatever their flags, in one MODSEQ and one NOTIFY', async () => {
    const feed = new ChangeFeed(db.url);
    await feed.start();
    const box = await db.store.mailboxes.create(accountId, 'Doomed');
    const got: MailboxChange[] = [];
    const off = feed.onMailbox(box.id, (c) => c.kind === 'expunge' && got.push(c));
    const raws = [4, 5, 6, 7].map((n) => sampleMessage(n));
    await db.store.messages.append(box.id, raws.map((raw, i) => ({ raw, flags: i === 0 ? ['\\Seen'] : [] })));
    const account = (await db.store.accounts.findById(accountId))!;
    const before = (await db.store.mailboxes.findById(box.id))!;
    await expect(db.store.messages.expunge(box.id, undefined, { deletedOnly: false })).rejects.toMatchObject({ code: 'invalid' });
    // none is \Deleted: the IMAP form removes nothing and takes no MODSEQ
    expect(await db.store.messages.expunge(box.id, [1, 2])).toEqual([]);
    expect(await db.store.messages.expunge(box.id, [2, 1, 99], { deletedOnly: false })).toEqual([1, 2]);
    const after = (await db.store.mailboxes.findById(box.id))!;
    expect(after.highestModseq).toBe(before.highestModseq + 1n);
    expect([after.messageCount, after.unseenCount]).toEqual([2, 2]);
    const freed = BigInt(raws[0]!.length + raws[1]!.length);
    expect(after.totalSize).toBe(before.totalSize - freed);
    expect((await db.store.accounts.findById(accountId))!.usedBytes).toBe(account.usedBytes - freed);
    expect(await db.store.messages.expungedSince(box.id, before.highestModseq)).toEqual([1, 2]);
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(1);
    expect(got[0]).toMatchObject({ accountId, mailboxId: box.id, modseq: after.highestModseq.toString() });

    // MOVE's sources go through it too: recorded for QRESYNC in the source mailbox
    const target = await db.store.mailboxes.create(accountId, 'Doomed/Target');
    expect((await db.store.messages.copy(box.id, [3], target.id, true)).pairs).toEqual([[3, 1]]);
    expect(await db.store.messages.expungedSince(box.id, after.highestModseq)).toEqual([3]);
    expect((await db.store.mailboxes.findById(box.id))!.messageCount).toBe(1);
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(2);
    off();
    await feed.close();
  });
});
