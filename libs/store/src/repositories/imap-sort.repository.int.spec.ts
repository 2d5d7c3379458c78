import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@mailstead/testing';

let db: TestDatabase;
let mailboxId: number;

const raw = (headers: string[]) => Buffer.from([...headers, 'MIME-Version: 1.0', 'Content-Type: text/plain', '', 'body', ''].join('\r\n'));

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
  const account = await db.store.accounts.create({ address: 'sort@example.test', passwordHash: 'x' });
  mailboxId = (await db.store.mailboxes.create(account.id, 'Sorting')).id;
  await db.store.messages.append(mailboxId, [
    {
      raw: raw([
        'From: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.org>, other@example.org',
        'To: Team: ann@example.org, bo@example.org;',
        'Cc: carl@example.net',
        'Subject: =?UTF-8?Q?Re:_caf=C3=A9?=',
        'Date: Mon, 02 Feb 2026 10:00:00 +0100',
        'Message-ID: <a@x>',
      ]),
      internalDate: new Date('2026-03-01T00:00:00Z'),
    },
    {
      raw: raw(['From: bob@example.org', 'Subject: plain', 'Message-ID: <b@x>', 'In-Reply-To: <a@x>', 'References: <root@x> <a@x>']),
      internalDate: new Date('2026-03-02T00:00:00Z'),
    },
    { raw: raw(['Subject: no from', 'Date: not a date']), internalDate: new Date('2026-03-03T00:00:00Z') },
  ]);
});
afterAll(() => db.drop());

describe('ImapSortRepository (RFC 5256 / RFC 5957 inputs)', () => {
  it('gives SORT keys: first real address (skipping group markers), raw subject, sent date or null', async () => {
    const rows = await db.store.imapSort.sortRows(mailboxId);
    expect(rows.map((r) => r.uid)).toEqual([1, 2, 3]);
    const [a, b, c] = rows;
    expect(a!.from).toEqual({ name: expect.stringContaining('Zo') as unknown, mailbox: 'zoe', host: 'example.org' });
    expect(a!.to).toMatchObject({ mailbox: 'ann', host: 'example.org' });
    expect(a!.cc).toMatchObject({ mailbox: 'carl', host: 'example.net' });
    expect(a!.subject).toContain('caf');
    expect(a!.sentDate?.toISOString()).toBe('2026-02-02T09:00:00.000Z');
    expect(a!.internalDate.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(a!.size).toBeGreaterThan(100);
    expect(b!.to).toBeNull();
    expect(b!.from).toMatchObject({ mailbox: 'bob' });
    expect(c!.from).toBeNull();
    expect(c!.sentDate).toBeNull();
    expect((await db.store.imapSort.sortRows(mailboxId, [3, 1])).map((r) => r.uid)).toEqual([1, 3]);
    expect(await db.store.imapSort.sortRows(mailboxId, [])).toEqual([]);
  });

  it('gives THREAD inputs: Message-ID, In-Reply-To, References in order', async () => {
    const rows = await db.store.imapSort.threadRows(mailboxId);
    expect(rows.map((r) => [r.uid, r.messageId, r.inReplyTo, r.references])).toEqual([
      [1, '<a@x>', null, []],
      [2, '<b@x>', '<a@x>', ['<root@x>', '<a@x>']],
      [3, null, null, []],
    ]);
  });
});

describe('ImapSortRepository PREVIEW and OBJECTID inputs (RFC 8970, RFC 8474)', () => {
  it('gives stored previews and ids that survive COPY and MOVE', async () => {
    const previews = await db.store.imapSort.previews(mailboxId, [1, 3, 42]);
    expect([...previews.keys()].sort()).toEqual([1, 3]);
    expect(previews.get(1)).toBe('body');
    expect((await db.store.imapSort.previews(mailboxId, [])).size).toBe(0);

    const before = await db.store.imapSort.objectIds(mailboxId, [1, 2]);
    expect(before.get(1)!.emailId).not.toBe(before.get(2)!.emailId);

    const account = await db.store.accounts.create({ address: 'objid@example.test', passwordHash: 'x' });
    const from = await db.store.mailboxes.create(account.id, 'From');
    const to = await db.store.mailboxes.create(account.id, 'To');
    await db.store.messages.append(from.id, [{ raw: raw(['Subject: moved', 'Message-ID: <m@x>']) }]);
    // A reply appended later joins the thread of the message it answers.
    await db.store.messages.append(from.id, [{ raw: raw(['Subject: Re: moved', 'Message-ID: <r@x>', 'In-Reply-To: <m@x>']) }]);
    const thread = await db.store.imapSort.objectIds(from.id, [1, 2]);
    expect(thread.get(2)!.threadId).toBe(thread.get(1)!.threadId);
    expect(thread.get(2)!.emailId).not.toBe(thread.get(1)!.emailId);
    const original = (await db.store.imapSort.objectIds(from.id, [1])).get(1)!;
    const copied = await db.store.messages.copy(from.id, [1], to.id);
    expect((await db.store.imapSort.objectIds(to.id, [copied.pairs[0]![1]])).get(copied.pairs[0]![1])).toEqual(original);
    const moved = await db.store.messages.copy(from.id, [1], to.id, true);
    expect((await db.store.imapSort.objectIds(to.id, [moved.pairs[0]![1]])).get(moved.pairs[0]![1])).toEqual(original);
    expect((await db.store.imapSort.objectIds(from.id, [1])).size).toBe(0);
  });
});
