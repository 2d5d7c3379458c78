import { describe, expect, it } from 'vitest';
import type { Pop3MailStore } from './mail-store';
import { Maildrop } from './maildrop';
import { MessageFetcher } from './message-fetcher';

/** An in-memory store recording each `raw` query. */
function fakeStore(present: number[]): { store: Pop3MailStore; queries: number[][] } {
  const queries: number[][] = [];
  const unused = () => Promise.reject(new Error('not used'));
  const store: Pop3MailStore = {
    inboxId: unused,
    openInbox: unused,
    deleteMessages: unused,
    markSeen: unused,
    raw: async (_mailboxId, uids) => {
      queries.push(uids);
      return new Map(uids.filter((u) => present.includes(u)).map((u) => [u, Buffer.from(`message ${u}`)]));
    },
  };
  return { store, queries };
}

describe('MessageFetcher', () => {
  it('reads ahead in one query, skipping marked messages, and hands each message out once', async () => {
    const maildrop = new Maildrop(1, 1, Array.from({ length: 100 }, (_, i) => ({ uid: i + 1, size: 10 })));
    maildrop.entries[2]!.deleted = true;
    const { store, queries } = fakeStore(maildrop.entries.map((e) => e.uid));
    const fetcher = new MessageFetcher(store, maildrop);
    expect((await fetcher.fetch(maildrop.entries[0]!))!.toString()).toBe('message 1');
    expect(queries).toHaveLength(1);
    expect(queries[0]).toHaveLength(64);
    expect(queries[0]).not.toContain(3);
    expect((await fetcher.fetch(maildrop.entries[1]!))!.toString()).toBe('message 2');
    expect(queries).toHaveLength(1);
    // Handed out once: asking again (a second RETR) queries again.
    await fetcher.fetch(maildrop.entries[1]!);
    expect(queries).toHaveLength(2);
  });

  it('keeps read-ahead within a byte budget, and reports a message expunged meanwhile as null', async () => {
    const maildrop = new Maildrop(1, 1, [
      { uid: 1, size: 5_000_000 },
      { uid: 2, size: 5_000_000 },
      { uid: 5, size: 10 },
    ]);
    const { store, queries } = fakeStore([2, 5]);
    const fetcher = new MessageFetcher(store, maildrop);
    expect(await fetcher.fetch(maildrop.entries[0]!)).toBeNull();
    expect(queries[0]).toEqual([1]);
    expect(await fetcher.fetch(maildrop.entries[1]!)).not.toBeNull();
    expect(queries[1]).toEqual([2, 5]);
  });
});
