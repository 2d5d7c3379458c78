import type { Redis } from 'ioredis';
import { StoreError, type Store } from '@mailstead/store';

/** The INBOX at login: UIDs in order with the octet counts POP3 reports (see wire.ts). */
export interface Pop3Snapshot {
  mailboxId: number;
  uidValidity: number;
  messages: { uid: number; size: number }[];
}

/** What the POP3 server needs from the mail store; libs/store implements it on Postgres. */
export interface Pop3MailStore {
  /** The id of the account's INBOX (the lock is taken on it before the snapshot), or null. */
  inboxId(accountId: number): Promise<number | null>;
  openInbox(accountId: number): Promise<Pop3Snapshot | null>;
  /** Stored bytes of the messages still there (one expunged since login is simply missing). */
  raw(mailboxId: number, uids: number[]): Promise<Map<number, Buffer>>;
  /** Expunges the messages (UPDATE state) as IMAP EXPUNGE does, for IMAP and webmail to see; returns the UIDs actually removed. */
  deleteMessages(mailboxId: number, uids: number[]): Promise<number[]>;
  markSeen(mailboxId: number, uids: number[]): Promise<void>;
}

/**
 * POP3 sizes per blob. Blobs are content-addressed and never change, so a size computed once
 * holds forever: a mailbox polled every few minutes (fetchmail "keep") is scanned only once.
 */
export interface WireSizeCache {
  get(blobIds: string[]): Promise<Map<string, number>>;
  set(sizes: Map<string, number>): Promise<void>;
}

export class RedisWireSizeCache implements WireSizeCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'mailstead:pop3:wire-size',
    private readonly ttlSeconds = 30 * 86_400,
  ) {}

  async get(blobIds: string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (blobIds.length === 0) return found;
    const values = await this.redis.mget(blobIds.map((id) => `${this.prefix}:${id}`));
    values.forEach((v, i) => {
      if (v !== null && /^\d+$/.test(v)) found.set(blobIds[i]!, Number(v));
    });
    return found;
  }

  async set(sizes: Map<string, number>): Promise<void> {
    if (sizes.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [id, size] of sizes) pipeline.set(`${this.prefix}:${id}`, String(size), 'EX', this.ttlSeconds);
    await pipeline.exec();
  }
}

export function storeMailStore(store: Store, cache?: WireSizeCache): Pop3MailStore {
  return {
    inboxId: async (accountId) => (await store.mailboxes.findByName(accountId, 'INBOX'))?.id ?? null,
    async openInbox(accountId) {
      const inbox = await store.pop3.openInbox(accountId);
      if (!inbox) return null;
      const blobIds = [...new Set(inbox.messages.map((m) => m.blobId))];
      const sizes = cache ? await cache.get(blobIds).catch(() => new Map<string, number>()) : new Map<string, number>();
      const missing = blobIds.filter((id) => !sizes.has(id));
      const computed = await store.pop3.wireSizes(missing);
      for (const [id, size] of computed) sizes.set(id, size);
      if (cache) await cache.set(computed).catch(() => undefined);
      return {
        mailboxId: inbox.mailboxId,
        uidValidity: inbox.uidValidity,
        // A blob gone between the two queries belongs to a message expunged meanwhile: RETR says so later.
        messages: inbox.messages.map((m) => ({ uid: m.uid, size: sizes.get(m.blobId) ?? m.size })),
      };
    },
    raw: (mailboxId, uids) => store.pop3.rawMany(mailboxId, uids),
    // POP3 DELE is the deletion (RFC 1939 6): the messages go whatever their \Deleted flag.
    deleteMessages: (mailboxId, uids) =>
      store.messages.expunge(mailboxId, uids, { deletedOnly: false }).catch((error: unknown) => {
        if (error instanceof StoreError && error.code === 'not_found') return [];
        throw error;
      }),
    markSeen: async (mailboxId, uids) => {
      if (uids.length > 0) await store.messages.updateFlags(mailboxId, uids, 'add', ['\\Seen']);
    },
  };
}
