import type { Pop3Inbox, Store } from '@mailstead/store';

/** What the POP3 server needs from the mail store; libs/store implements it on Postgres. */
export interface Pop3MailStore {
  /** The id of the account's INBOX (the lock is taken on it before the snapshot), or null. */
  inboxId(accountId: number): Promise<number | null>;
  openInbox(accountId: number): Promise<Pop3Inbox | null>;
  /** Stored bytes of a message, or null when it has been expunged since login. */
  raw(mailboxId: number, uid: number): Promise<Buffer | null>;
  /** Expunges the messages (UPDATE state); returns the UIDs actually removed. */
  deleteMessages(mailboxId: number, uids: number[]): Promise<number[]>;
  markSeen(mailboxId: number, uids: number[]): Promise<void>;
}

export function storeMailStore(store: Store): Pop3MailStore {
  return {
    inboxId: async (accountId) => (await store.mailboxes.findByName(accountId, 'INBOX'))?.id ?? null,
    openInbox: (accountId) => store.pop3.openInbox(accountId),
    raw: (mailboxId, uid) => store.pop3.raw(mailboxId, uid),
    deleteMessages: (mailboxId, uids) => store.pop3.deleteMessages(mailboxId, uids),
    markSeen: async (mailboxId, uids) => {
      if (uids.length > 0) await store.messages.updateFlags(mailboxId, uids, 'add', ['\\Seen']);
    },
  };
}
