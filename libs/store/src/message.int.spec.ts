import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';
import { ChangeFeed, type MailboxChange } from './change-feed';
import type { MailboxInfo } from './repositories/mailbox.repository';

let db: TestDatabase;
let inbox: MailboxInfo;
let accountId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
  const account = await db.store.accounts.create({ address: 'bob@example.test', passwordHash: 'x' });
  accountId = account.id;
  inbox = (await db.store.mailboxes.findByName(account.id, 'inbox'))!;
});
afterAll(() => db.drop());

describe('UID and MODSEQ allocation', () => {
  it('gives 8 concurrent writers x 500 appends 4,000 distinct increasing UIDs', async () => {
    const box = await db.store.mailboxes.create(accountId, 'Concurrent');
    const writers = Array.from({ length: 8 }, async (_, w) => {
      const seen: { uid: number; modseq: bigint }[] = [];
      for (let i = 0; i < 500; i++) {
        const [m] = await db.store.messages.append(box.id, [{ raw: sampleMessage(w * 1000 + i) }]);
        seen.push({ uid: m!.uid, modseq: m!.modseq });
      }
      return seen;
    });
    const results = await Promise.all(writers);
    for (const seen of results) {
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i]!.uid).toBeGreaterThan(seen[i - 1]!.uid);
        expect(seen[i]!.modseq).toBeGreaterThan(seen[i - 1]!.modseq);
      }
    }
    const uids = results.flat().map((r) => r.uid);
    expect(new Set(uids).size).toBe(4000);
    expect(Math.min(...uids)).toBe(1);
    expect(Math.max(...uids)).toBe(4000);

    const stored = await db.store.messages.list(box.id);
    expect(stored.map((m) => m.uid)).toEqual(Array.from({ length: 4000 }, (_, i) => i + 1));
    // In UID order, MODSEQ never goes backwards: both come from the same locked row update.
    for (let i = 1; i < stored.length; i++) expect(stored[i]!.modseq).toBeGreaterThanOrEqual(stored[i - 1]!.modseq);
    const after = (await db.store.mailboxes.findById(box.id))!;
    expect(after.uidNext).toBe(4001);
    expect(after.messageCount).toBe(4000);
    expect(after.highestModseq).toBe(stored.at(-1)!.modseq);
  }, 180_000);

  it('appends several messages atomically with consecutive UIDs (MULTIAPPEND)', async () => {
    const box = await db.store.mailboxes.create(accountId, 'Multi');
    const out = await db.store.messages.append(box.id, [{ raw: sampleMessage(1) }, { raw: sampleMessage(2), flags: ['\\Seen', '$Label1'] }]);
    expect(out.map((m) => m.uid)).toEqual([1, 2]);
    expect(out[0]!.modseq).toBe(out[1]!.modseq);
    const list = await db.store.messages.list(box.id);
    expect(list[1]).toMatchObject({ seen: true, keywords: ['$Label1'] });
    const info = (await db.store.mailboxes.findById(box.id))!;
    expect(info.unseenCount).toBe(1);
  });
});

describe('storage', () => {
  it('stores one blob for a message delivered to several mailboxes', async () => {
    const other = await db.store.accounts.create({ address: 'carol@example.test', passwordHash: 'x' });
    const carolInbox = (await db.store.mailboxes.findByName(other.id, 'INBOX'))!;
    const raw = sampleMessage(77, { subject: 'Shared blob' });
    const { stored: delivered } = await db.store.messages.deliver(raw, [{ mailboxId: inbox.id }, { mailboxId: carolInbox.id }]);
    expect(delivered).toHaveLength(2);
    const [a] = await db.store.messages.list(inbox.id, { from: delivered.find((d) => d.mailboxId === inbox.id)!.uid });
    const [b] = await db.store.messages.list(carolInbox.id);
    expect(a!.blobId).toBe(b!.blobId);
    expect(await db.store.messages.raw(carolInbox.id, b!.uid)).toEqual(raw);
    expect(a!.subject).toBe('Shared blob');
  });

  it('records remote recipients as one outbound row per domain in the delivery transaction', async () => {
    const raw = sampleMessage(88);
    const result = await db.store.messages.deliver(raw, [{ mailboxId: inbox.id }], {
      outbound: {
        sender: 'bob@example.test',
        recipients: [{ address: 'x@remote.test', notify: ['FAILURE'] }, { address: 'y@Remote.test' }, { address: 'z@other.test' }],
      },
    });
    expect(result.stored).toHaveLength(1);
    expect(result.outboundIds).toHaveLength(2);
    const rows = await db.store.outbound.list();
    const remote = rows.find((r) => r.domain === 'remote.test')!;
    expect(remote.recipients.map((r) => r.address).sort()).toEqual(['x@remote.test', 'y@Remote.test']);
    expect(remote).toMatchObject({ status: 'queued', sender: 'bob@example.test' });
    expect(rows.find((r) => r.domain === 'other.test')!.recipients).toHaveLength(1);
  });

  it('threads a reply with the message it answers', async () => {
    const box = await db.store.mailboxes.create(accountId, 'Threads');
    const [first] = await db.store.messages.append(box.id, [{ raw: sampleMessage(500) }]);
    const [reply] = await db.store.messages.append(box.id, [{ raw: sampleMessage(501, { inReplyTo: `<msg-500-${process.pid}@example.test>` }) }]);
    const [unrelated] = await db.store.messages.append(box.id, [{ raw: sampleMessage(502) }]);
    const list = await db.store.messages.list(box.id);
    const byUid = new Map(list.map((m) => [m.uid, m]));
    expect(byUid.get(reply!.uid)!.threadId).toBe(byUid.get(first!.uid)!.threadId);
    expect(byUid.get(unrelated!.uid)!.threadId).not.toBe(byUid.get(first!.uid)!.threadId);
  });

  it('refuses an append over quota and stores nothing', async () => {
    const small = await db.store.accounts.create({ address: 'small@example.test', passwordHash: 'x', quotaBytes: 500 });
    const box = (await db.store.mailboxes.findByName(small.id, 'INBOX'))!;
    await db.store.messages.append(box.id, [{ raw: sampleMessage(1) }]);
    await expect(db.store.messages.append(box.id, [{ raw: sampleMessage(2, { body: 'x'.repeat(400) }) }])).rejects.toMatchObject({ code: 'over_quota' });
    expect(await db.store.messages.list(box.id)).toHaveLength(1);
    expect((await db.store.mailboxes.findById(box.id))!.uidNext).toBe(2);
  });
});

describe('flags, expunge, copy and move', () => {
  it('changes flags with a new MODSEQ only where they change, and honours UNCHANGEDSINCE', async () => {
    const box = await db.store.mailboxes.create(accountId, 'Flags');
    const msgs = await db.store.messages.append(box.id, [1, 2, 3].map((n) => ({ raw: sampleMessage(n) })));
    const r1 = await db.store.messages.updateFlags(box.id, [1, 2], 'add', ['\\Seen', 'Work']);
    expect(r1.changed.map((c) => c.uid)).toEqual([1, 2]);
    expect(r1.changed[0]!.flags).toEqual(['\\Seen', 'Work']);
    expect(r1.changed[0]!.modseq).toBeGreaterThan(msgs[0]!.modseq);
    const r2 = await db.store.messages.updateFlags(box.id, [1, 2, 3], 'add', ['\\Seen']);
    expect(r2.changed.map((c) => c.uid)).toEqual([3]);
    const r3 = await db.store.messages.updateFlags(box.id, [1, 3], 'remove', ['\\Seen'], msgs[0]!.modseq);
    expect(r3.modified).toEqual([1, 3]);
    expect(r3.changed).toEqual([]);
    expect((await db.store.mailboxes.findById(box.id))!.unseenCount).toBe(0);
    const r4 = await db.store.messages.updateFlags(box.id, [1], 'set', ['\\Flagged']);
    expect(r4.changed[0]!.flags).toEqual(['\\Flagged']);
    expect((await db.store.mailboxes.findById(box.id))!.unseenCount).toBe(1);
  });

  it('expunges only \\Deleted messages and remembers them for QRESYNC', async () => {
    const box = await db.store.mailboxes.create(accountId, 'Expunge');
    await db.store.messages.append(box.id, [1, 2, 3, 4].map((n) => ({ raw: sampleMessage(n) })));
    const before = (await db.store.mailboxes.findById(box.id))!;
    await db.store.messages.updateFlags(box.id, [2, 3, 4], 'add', ['\\Deleted']);
    expect(await db.store.messages.expunge(box.id, [3, 4])).toEqual([3, 4]);
    expect(await db.store.messages.expunge(box.id)).toEqual([2]);
    expect((await db.store.messages.list(box.id)).map((m) => m.uid)).toEqual([1]);
    expect(await db.store.messages.expungedSince(box.id, before.highestModseq)).toEqual([2, 3, 4]);
    const after = (await db.store.mailboxes.findById(box.id))!;
    expect(after.messageCount).toBe(1);
    expect(after.uidNext).toBe(5);
  });

  it('copies and moves with new UIDs, keeping flags and the email id', async () => {
    const a = await db.store.mailboxes.create(accountId, 'CopyA');
    const b = await db.store.mailboxes.create(accountId, 'CopyB');
    await db.store.messages.append(a.id, [{ raw: sampleMessage(1), flags: ['\\Flagged'] }, { raw: sampleMessage(2) }]);
    const copied = await db.store.messages.copy(a.id, [1, 2], b.id);
    expect(copied.pairs).toEqual([[1, 1], [2, 2]]);
    const moved = await db.store.messages.copy(a.id, [2], b.id, true);
    expect(moved.pairs).toEqual([[2, 3]]);
    const inA = await db.store.messages.list(a.id);
    const inB = await db.store.messages.list(b.id);
    expect(inA.map((m) => m.uid)).toEqual([1]);
    expect(inB.map((m) => m.uid)).toEqual([1, 2, 3]);
    expect(inB[0]!.flagged).toBe(true);
    expect(inB[0]!.emailId).toBe(inA[0]!.emailId);
    expect((await db.store.mailboxes.findById(b.id))!.messageCount).toBe(3);
  });
});

describe('change feed', () => {
  it('announces appends, flag changes and expunges to LISTENers with the new MODSEQ', async () => {
    const feed = new ChangeFeed(db.url);
    await feed.start();
    const box = await db.store.mailboxes.create(accountId, 'Feed');
    const got: MailboxChange[] = [];
    // the CREATE's own 'mailbox' notice may arrive after we subscribe: count message changes only
    const off = feed.onMailbox(box.id, (c) => c.kind !== 'mailbox' && got.push(c));
    const [m] = await db.store.messages.append(box.id, [{ raw: sampleMessage(1) }]);
    await db.store.messages.updateFlags(box.id, [m!.uid], 'add', ['\\Deleted']);
    await db.store.messages.expunge(box.id);
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(3);
    expect(got.map((c) => c.kind)).toEqual(['append', 'flags', 'expunge']);
    expect(got[0]).toMatchObject({ mailboxId: box.id, accountId, modseq: m!.modseq.toString() });
    expect(BigInt(got[2]!.modseq)).toBeGreaterThan(BigInt(got[1]!.modseq));
    off();
    await feed.close();
  });
});

describe('accounts and domains', () => {
  it('creates the default special-use mailboxes with each account', async () => {
    const boxes = await db.store.mailboxes.list(accountId);
    const byName = Object.fromEntries(boxes.map((b) => [b.name, b.specialUse]));
    expect(byName).toMatchObject({ INBOX: null, Drafts: '\\Drafts', Sent: '\\Sent', Trash: '\\Trash', Junk: '\\Junk', Archive: '\\Archive' });
    expect(new Set(boxes.map((b) => b.uidValidity)).size).toBe(boxes.length);
  });

  it('refuses duplicates and unknown domains with clear errors', async () => {
    await expect(db.store.accounts.create({ address: 'BOB@Example.test', passwordHash: 'x' })).rejects.toMatchObject({ code: 'exists' });
    await expect(db.store.accounts.create({ address: 'x@nowhere.test', passwordHash: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(db.store.aliases.create('bob@example.test', ['x@y.test'])).rejects.toMatchObject({ code: 'exists' });
    await expect(db.store.domains.create('not a domain')).rejects.toMatchObject({ code: 'invalid' });
  });

  it('finds accounts case-insensitively and removes a domain with everything in it', async () => {
    await db.store.domains.create('gone.test');
    await db.store.accounts.create({ address: 'Dave@Gone.test', passwordHash: 'x' });
    await db.store.aliases.create('@gone.test', ['dave@gone.test']);
    expect((await db.store.accounts.findByAddress('dave@GONE.test'))?.address).toBe('Dave@gone.test');
    await db.store.domains.remove('gone.test');
    expect(await db.store.accounts.findByAddress('dave@gone.test')).toBeNull();
    expect(await db.store.aliases.findBySource('@gone.test')).toBeNull();
  });
});
