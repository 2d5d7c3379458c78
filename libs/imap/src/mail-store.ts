/**
 * Everything the IMAP server needs from storage. `ImapMailStore` (imap-mail-store.ts) implements
 * it over libs/store's repositories; the protocol code never sees a database.
 */

import type {
  ImapFlagBatch,
  ImapMessageFlags,
  ImapMessageMeta,
  ImapMetaField,
  ImapSearchKey,
  ImapSortRow,
  ImapThreadRow,
  MetadataTarget as StoreMetadataTarget,
  SortAddressRow,
  UidRange as StoreUidRange,
} from '@mailstead/store';

/*
 * The row shapes the store answers in are defined once, by the store (the lower layer); the
 * names here are the ones the protocol code uses.
 */
export type StoredFlags = ImapMessageFlags;
export type FetchField = ImapMetaField;
export type MessageMeta = ImapMessageMeta;
/** Flags of a batch of messages as parallel arrays in UID order (MailStore.fetchFlags); `systemFlags` bits follow SYSTEM_FLAG_BITS. */
export type FlagBatch = ImapFlagBatch;
/** SEARCH keys after the session resolved sequence numbers and \Recent to UIDs. */
export type SearchKey = ImapSearchKey;
/** The first From/To/Cc address as ENVELOPE has it (SORT keys, RFC 5256 / 5957). */
export type SortAddressData = SortAddressRow;
/** What SORT needs of a message (RFC 5256 section 3). */
export type SortRow = ImapSortRow;
/** What THREAD needs of a message (RFC 5256 section 3). */
export type ThreadRow = ImapThreadRow;
/** Inclusive UID range (`to` may be Infinity for `n:*`). */
export type UidRange = StoreUidRange;
/** METADATA (RFC 5464): server entries have mailboxId null. */
export type MetadataTarget = StoreMetadataTarget;

export interface MailboxSummary {
  id: number;
  /** full name, "/" separated, INBOX upper-case */
  name: string;
  specialUse: string | null;
  subscribed: boolean;
  uidValidity: number;
  uidNext: number;
  highestModseq: bigint;
  messages: number;
  unseen: number;
  size: bigint;
}

/** The system flags as `FlagBatch.systemFlags` bits (bit i is SYSTEM_FLAG_BITS[i]), in the order FETCH FLAGS lists them. */
export const SYSTEM_FLAG_BITS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

/** What changed in a mailbox since a MODSEQ (RFC 7162 style), to bring a session up to date. */
export interface MailboxChanges {
  highestModseq: bigint;
  /** UIDs expunged after the given MODSEQ */
  expunged: number[];
  /** messages whose MODSEQ is above the given one (new and changed), in UID order */
  changed: StoredFlags[];
  /** with `claimAbove`: the \Recent watermark before this caller raised it, null if it claimed nothing */
  recentFrom?: number | null;
}

/** One change to one of an account's mailboxes, as the change feed announces it. */
export interface AccountChange {
  mailboxId: number;
  /** `mailbox`: created, renamed, deleted or (un)subscribed */
  kind: 'append' | 'flags' | 'expunge' | 'mailbox';
  /** the mailbox's MODSEQ after the change */
  modseq: bigint;
}

export class MailStoreError extends Error {
  constructor(
    readonly code: 'exists' | 'not_found' | 'invalid' | 'over_quota' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

/** SETMETADATA refused: answered `NO [METADATA MAXSIZE n]`, `NO [METADATA TOOMANY]` or plain NO. */
export class MetadataLimitError extends Error {
  constructor(
    readonly kind: 'MAXSIZE' | 'TOOMANY' | 'READONLY',
    message: string,
    readonly max?: number,
  ) {
    super(message);
  }
}

export interface AppendInput {
  raw: Buffer;
  flags: string[];
  internalDate?: Date;
}

export interface MailStore {
  listMailboxes(accountId: number): Promise<MailboxSummary[]>;
  getMailbox(accountId: number, name: string): Promise<MailboxSummary | null>;
  getMailboxById(mailboxId: number): Promise<MailboxSummary | null>;
  createMailbox(accountId: number, name: string): Promise<MailboxSummary>;
  deleteMailbox(mailboxId: number): Promise<void>;
  renameMailbox(accountId: number, from: string, to: string): Promise<void>;
  setSubscribed(mailboxId: number, subscribed: boolean): Promise<void>;

  /**
   * What SELECT/EXAMINE starts from, in one round trip: every UID ascending with the MODSEQ the
   * list is valid for, the first unseen UID, the first `keywordLimit` keywords set in the mailbox
   * in order of first use (for FLAGS, RFC 3501 7.2.6), and, when `claimRecent` (SELECT, not
   * EXAMINE), the \Recent claim up to the last UID: `recentFrom` is the watermark before it
   * (UIDs above it are \Recent for the caller), null when there was nothing to claim. Without
   * `claimRecent`, the watermark as it stands (EXAMINE shows those as \Recent, RFC 3501 6.3.2).
   */
  selectView(
    mailboxId: number,
    claimRecent: boolean,
    keywordLimit: number,
  ): Promise<{ uids: number[]; highestModseq: bigint; firstUnseenUid: number | null; recentFrom: number | null; keywords: string[] }>;
  /** Every UID of a mailbox in ascending order, with the MODSEQ the list is valid for. */
  uids(mailboxId: number): Promise<{ uids: number[]; highestModseq: bigint }>;
  /** Messages no session has claimed as \Recent yet (STATUS RECENT of a mailbox not selected here). */
  recentCount(mailboxId: number): Promise<number>;
  /** Messages flagged \Deleted and their total size (STATUS DELETED, DELETED-STORAGE). */
  deletedUsage(mailboxId: number): Promise<{ messages: number; bytes: bigint }>;
  /**
   * `claimAbove`: the caller's last known UID; the \Recent watermark is raised to the highest new
   * UID in the same round trip and `MailboxChanges.recentFrom` says from where (RFC 3501 2.3.2).
   */
  changesSince(mailboxId: number, modseq: bigint, claimAbove?: number): Promise<MailboxChanges>;

  /** Metadata of the given UIDs (ascending), in batches: never the whole mailbox at once. */
  fetchMeta(mailboxId: number, uids: number[], fields: ReadonlySet<FetchField>): Promise<MessageMeta[]>;
  /** Only the flags (and MODSEQs) of the given UIDs (ascending, a batch): FETCH (UID FLAGS MODSEQ) of a whole mailbox. */
  fetchFlags(mailboxId: number, uids: readonly number[], withModseq: boolean): Promise<FlagBatch>;
  /** Raw bytes [start, end) of a message by its blob (MessageMeta.blobId; end undefined: to the end), readable after an expunge. */
  fetchBytes(blobId: string, start?: number, end?: number): Promise<Buffer | null>;

  /** The header bytes (up to the blank line included) of several messages in one round trip. */
  fetchHeaders(mailboxId: number, uids: number[]): Promise<Map<number, Buffer>>;

  append(mailboxId: number, item: AppendInput): Promise<{ uid: number; uidValidity: number }>;
  /**
   * `unchangedSince` (RFC 7162 3.1.3 STORE UNCHANGEDSINCE): messages whose MODSEQ is above it are
   * left alone and listed in `modified`.
   */
  updateFlags(
    mailboxId: number,
    uids: number[],
    mode: 'set' | 'add' | 'remove',
    flags: string[],
    unchangedSince?: bigint,
  ): Promise<{ changed: StoredFlags[]; modified?: number[] }>;
  expunge(mailboxId: number, uids?: number[]): Promise<number[]>;
  copy(fromMailboxId: number, uids: number[], toMailboxId: number, move: boolean): Promise<{ uidValidity: number; pairs: [number, number][] }>;
  search(mailboxId: number, key: SearchKey): Promise<number[]>;

  /** CONDSTORE/QRESYNC (RFC 7162): messages with MODSEQ above `modseq`, within `uids` when given, by UID. */
  changedSince(mailboxId: number, modseq: bigint, uids?: readonly UidRange[]): Promise<StoredFlags[]>;
  /**
   * UIDs (within `knownUids`, default all below UIDNEXT) expunged after `modseq`, as ranges.
   * `fromHistory` false: the history was pruned and this is every known UID not present (a superset).
   */
  vanishedSince(mailboxId: number, modseq: bigint, knownUids?: readonly UidRange[]): Promise<{ vanished: UidRange[]; fromHistory: boolean }>;
  /** MODSEQ of each given UID (SEARCH MODSEQ answers, RFC 7162 3.1.5). */
  modseqs(mailboxId: number, uids: readonly number[]): Promise<Map<number, bigint>>;
  /** MULTIAPPEND (RFC 3502): all messages in one transaction, or none. */
  appendMany(mailboxId: number, items: AppendInput[]): Promise<{ uids: number[]; uidValidity: number }>;
  /** QUOTA (RFC 9208): the account's one quota root; storageLimitBytes null = unlimited. */
  quotaUsage(accountId: number): Promise<{ storageBytes: bigint; storageLimitBytes: bigint | null; messages: number } | null>;
  /** FETCH PREVIEW (RFC 8970): the stored preview text per UID. */
  previews(mailboxId: number, uids: readonly number[]): Promise<Map<number, string>>;
  /** OBJECTID (RFC 8474): EMAILID / THREADID inputs per UID, kept by COPY/MOVE. */
  objectIds(mailboxId: number, uids: readonly number[]): Promise<Map<number, { emailId: bigint; threadId: bigint }>>;
  /** GETMETADATA (RFC 5464 4.2): entries by name; `longest` is the largest value left out by maxSize. */
  getMetadata(
    target: MetadataTarget,
    specifiers: readonly string[],
    options: { depth: '0' | '1' | 'infinity'; maxSize?: number },
  ): Promise<{ entries: { entry: string; value: Buffer }[]; longest: number | null }>;
  /** RENAME INBOX (RFC 5464 4.1): copies one mailbox's annotations to another. */
  copyMetadata(fromMailboxId: number, toMailboxId: number): Promise<void>;
  /** SETMETADATA (RFC 5464 4.3): all changes or none (value null removes); throws MetadataLimitError. */
  setMetadata(
    target: MetadataTarget,
    changes: readonly { entry: string; value: Buffer | null }[],
    limits: { maxValueBytes: number; maxEntries: number },
    /** shared server entries are the administrators' (RFC 5464 3.3): READONLY for everyone else */
    access: { canWriteSharedServer: boolean },
  ): Promise<void>;
  /** SORT / THREAD inputs of the given UIDs, ascending by UID. */
  sortRows(mailboxId: number, uids: readonly number[]): Promise<SortRow[]>;
  threadRows(mailboxId: number, uids: readonly number[]): Promise<ThreadRow[]>;

  /**
   * Calls `onChange` whenever the mailbox changes (in any process), with the change's MODSEQ
   * when known (none after the feed reconnected); returns the unsubscribe.
   */
  watch(mailboxId: number, onChange: (modseq?: bigint) => void): () => void;
  /**
   * Calls `onChange` for every change to any of the account's mailboxes (in any process);
   * with null after the feed reconnected (changes may have been missed). Returns the unsubscribe.
   */
  watchAccount(accountId: number, onChange: (change: AccountChange | null) => void): () => void;
}

/** Checks credentials (throttled); the server never sees accounts beyond this. */
export interface ImapAuthenticator {
  authenticate(input: { username: string; password: string; ip: string }): Promise<
    | { ok: true; accountId: number; address: string; /** admins may write shared server METADATA (RFC 5464 3.3) */ admin?: boolean }
    | { ok: false; reason: 'invalid' | 'disabled' | 'throttled' | 'app-password-required' }
  >;
}
