import { filingVerdict, MAX_TRAINED_PER_ACTION } from '@mailstead/spam';
import { MetadataError, StoreError, type ChangeFeed, type InsertLimits, type MailboxInfo, type Store } from '@mailstead/store';
import {
  MailStoreError,
  MetadataLimitError,
  type AccountChange,
  type AppendInput,
  type FetchField,
  type FlagBatch,
  type MailboxChanges,
  type MailboxSummary,
  type MailStore,
  type MessageMeta,
  type MetadataTarget,
  type SearchKey,
  type SortRow,
  type StoredFlags,
  type ThreadRow,
  type UidRange,
} from './mail-store';

function summary(box: MailboxInfo): MailboxSummary {
  return {
    id: box.id,
    name: box.name,
    specialUse: box.specialUse,
    subscribed: box.subscribed,
    uidValidity: box.uidValidity,
    uidNext: box.uidNext,
    highestModseq: box.highestModseq,
    messages: box.messageCount,
    unseen: box.unseenCount,
    size: box.totalSize,
  };
}

/** Store errors as the IMAP layer knows them (it maps them to response codes). */
async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreError) throw new MailStoreError(error.code, error.message);
    throw error;
  }
}

const gone = (id: number) => new MailStoreError('not_found', `mailbox ${id} no longer exists`);

export interface ImapMailStoreOptions {
  /**
   * QUOTA MESSAGE limit per account (RFC 9208 5.2, MAILSTEAD_IMAP_MESSAGE_QUOTA); 0 or unset:
   * none. The store enforces it atomically on APPEND, MULTIAPPEND and COPY (MOVE leaves the
   * count as it is); ImapServer's own `messageQuota` option reports it and pre-checks APPEND.
   */
  messageQuota?: number;
  /**
   * Trains the spam classifier when messages are copied or moved into Junk (spam) or out of it
   * into anything but Trash (ham): libs/spam's SpamTrainer, passed by the imap role.
   */
  spamTrainer?: ImapSpamTrainer;
}

/** The part of libs/spam's SpamTrainer the IMAP store calls. */
export interface ImapSpamTrainer {
  filed(accountId: number, messages: readonly Buffer[], spam: boolean): Promise<number>;
}

/** The IMAP server's MailStore on Postgres: the shared repositories plus the IMAP queries, and the change feed for live updates. */
export class ImapMailStore implements MailStore {
  private readonly limits: InsertLimits;

  private readonly spamTrainer: ImapSpamTrainer | undefined;

  constructor(
    private readonly store: Store,
    private readonly feed: ChangeFeed | undefined,
    options: ImapMailStoreOptions = {},
  ) {
    this.limits = { messageLimit: options.messageQuota ?? 0 };
    this.spamTrainer = options.spamTrainer;
  }

  /** UIDVALIDITY per mailbox id: fixed for a mailbox's lifetime (a recreated mailbox has a new id). */
  private readonly uidValidities = new Map<number, number>();

  private async uidValidityOf(mailboxId: number): Promise<number> {
    const known = this.uidValidities.get(mailboxId);
    if (known !== undefined) return known;
    const box = await this.store.mailboxes.findById(mailboxId);
    if (!box) return 0;
    if (this.uidValidities.size > 10_000) this.uidValidities.clear();
    this.uidValidities.set(mailboxId, box.uidValidity);
    return box.uidValidity;
  }

  async listMailboxes(accountId: number): Promise<MailboxSummary[]> {
    return (await this.store.mailboxes.list(accountId)).map(summary);
  }

  async getMailbox(accountId: number, name: string): Promise<MailboxSummary | null> {
    const box = await this.store.imap.mailboxByName(accountId, name);
    return box ? summary(box) : null;
  }

  async getMailboxById(mailboxId: number): Promise<MailboxSummary | null> {
    const box = await this.store.mailboxes.findById(mailboxId);
    return box ? summary(box) : null;
  }

  createMailbox(accountId: number, name: string): Promise<MailboxSummary> {
    return mapped(async () => summary(await this.store.mailboxes.create(accountId, name)));
  }

  deleteMailbox(mailboxId: number): Promise<void> {
    return mapped(() => this.store.mailboxes.delete(mailboxId));
  }

  renameMailbox(accountId: number, from: string, to: string): Promise<void> {
    return mapped(() => this.store.mailboxes.rename(accountId, from, to));
  }

  setSubscribed(mailboxId: number, subscribed: boolean): Promise<void> {
    return mapped(() => this.store.mailboxes.setSubscribed(mailboxId, subscribed));
  }

  async uids(mailboxId: number): Promise<{ uids: number[]; highestModseq: bigint }> {
    const result = await this.store.imap.uids(mailboxId);
    if (!result) throw gone(mailboxId);
    return result;
  }

  recentCount(mailboxId: number): Promise<number> {
    return this.store.imap.recentCount(mailboxId);
  }

  deletedUsage(mailboxId: number): Promise<{ messages: number; bytes: bigint }> {
    return this.store.imap.deletedUsage(mailboxId);
  }

  async selectView(
    mailboxId: number,
    claimRecent: boolean,
    keywordLimit: number,
  ): Promise<{ uids: number[]; highestModseq: bigint; firstUnseenUid: number | null; recentFrom: number | null; keywords: string[] }> {
    const view = await this.store.imap.selectView(mailboxId, claimRecent, keywordLimit);
    if (!view) throw gone(mailboxId);
    return view;
  }

  async changesSince(mailboxId: number, modseq: bigint, claimAbove?: number): Promise<MailboxChanges> {
    const result = await this.store.imap.changesSince(mailboxId, modseq, claimAbove);
    if (!result) throw gone(mailboxId);
    return result;
  }

  fetchMeta(mailboxId: number, uids: number[], fields: ReadonlySet<FetchField>): Promise<MessageMeta[]> {
    return this.store.imap.fetchMeta(mailboxId, uids, fields);
  }

  fetchFlags(mailboxId: number, uids: readonly number[], withModseq: boolean): Promise<FlagBatch> {
    return this.store.imap.fetchFlags(mailboxId, uids, withModseq);
  }

  fetchBytes(blobId: string, start?: number, end?: number): Promise<Buffer | null> {
    return this.store.imap.fetchBytes(blobId, start, end);
  }

  fetchHeaders(mailboxId: number, uids: number[]): Promise<Map<number, Buffer>> {
    return this.store.imap.fetchHeaders(mailboxId, uids);
  }

  append(mailboxId: number, item: AppendInput): Promise<{ uid: number; uidValidity: number }> {
    return mapped(async () => {
      const [stored] = await this.store.messages.append(mailboxId, [{ raw: item.raw, flags: item.flags, internalDate: item.internalDate }], this.limits);
      return { uid: stored!.uid, uidValidity: await this.uidValidityOf(mailboxId) };
    });
  }

  updateFlags(
    mailboxId: number,
    uids: number[],
    mode: 'set' | 'add' | 'remove',
    flags: string[],
    unchangedSince?: bigint,
  ): Promise<{ changed: StoredFlags[]; modified: number[] }> {
    return mapped(async () => {
      const result = await this.store.messages.updateFlags(mailboxId, uids, mode, flags, unchangedSince);
      return { changed: result.changed, modified: result.modified };
    });
  }

  changedSince(mailboxId: number, modseq: bigint, uids?: readonly UidRange[]): Promise<StoredFlags[]> {
    return this.store.imapSync.changedSince(mailboxId, modseq, uids);
  }

  async vanishedSince(mailboxId: number, modseq: bigint, knownUids?: readonly UidRange[]): Promise<{ vanished: UidRange[]; fromHistory: boolean }> {
    const result = await this.store.imapSync.vanishedSince(mailboxId, modseq, knownUids);
    if (!result) throw gone(mailboxId);
    return { vanished: result.vanished, fromHistory: result.fromHistory };
  }

  modseqs(mailboxId: number, uids: readonly number[]): Promise<Map<number, bigint>> {
    return this.store.imapSync.modseqs(mailboxId, uids);
  }

  appendMany(mailboxId: number, items: AppendInput[]): Promise<{ uids: number[]; uidValidity: number }> {
    return mapped(async () => {
      const stored = await this.store.messages.append(
        mailboxId,
        items.map((item) => ({ raw: item.raw, flags: item.flags, internalDate: item.internalDate })),
        this.limits,
      );
      const box = await this.store.mailboxes.findById(mailboxId);
      return { uids: stored.map((m) => m.uid), uidValidity: box?.uidValidity ?? 0 };
    });
  }

  quotaUsage(accountId: number): Promise<{ storageBytes: bigint; storageLimitBytes: bigint | null; messages: number } | null> {
    return this.store.imapQuota.usage(accountId);
  }

  previews(mailboxId: number, uids: readonly number[]): Promise<Map<number, string>> {
    return this.store.imapSort.previews(mailboxId, uids);
  }

  objectIds(mailboxId: number, uids: readonly number[]): Promise<Map<number, { emailId: bigint; threadId: bigint }>> {
    return this.store.imapSort.objectIds(mailboxId, uids);
  }

  getMetadata(
    target: MetadataTarget,
    specifiers: readonly string[],
    options: { depth: '0' | '1' | 'infinity'; maxSize?: number },
  ): Promise<{ entries: { entry: string; value: Buffer }[]; longest: number | null }> {
    return mapped(() => this.store.imapMetadata.get(target, specifiers, options));
  }

  async copyMetadata(fromMailboxId: number, toMailboxId: number): Promise<void> {
    await this.store.imapMetadata.copyMailboxEntries(fromMailboxId, toMailboxId);
  }

  async setMetadata(
    target: MetadataTarget,
    changes: readonly { entry: string; value: Buffer | null }[],
    limits: { maxValueBytes: number; maxEntries: number },
    access: { canWriteSharedServer: boolean },
  ): Promise<void> {
    try {
      await mapped(() => this.store.imapMetadata.set(target, changes, limits, access));
    } catch (error) {
      if (error instanceof MetadataError) throw new MetadataLimitError(error.kind, error.message, error.max);
      throw error;
    }
  }

  sortRows(mailboxId: number, uids: readonly number[]): Promise<SortRow[]> {
    return this.store.imapSort.sortRows(mailboxId, uids);
  }

  threadRows(mailboxId: number, uids: readonly number[]): Promise<ThreadRow[]> {
    return this.store.imapSort.threadRows(mailboxId, uids);
  }

  expunge(mailboxId: number, uids?: number[]): Promise<number[]> {
    return mapped(() => this.store.messages.expunge(mailboxId, uids));
  }

  async copy(fromMailboxId: number, uids: number[], toMailboxId: number, move: boolean): Promise<{ uidValidity: number; pairs: [number, number][] }> {
    const result = await mapped(() => this.store.messages.copy(fromMailboxId, uids, toMailboxId, move, this.limits));
    if (this.spamTrainer && result.pairs.length > 0) await this.trainFiled(fromMailboxId, toMailboxId, result.pairs.map(([, to]) => to));
    return result;
  }

  /** The copied messages as the user filed them (read from where they went: a MOVE's sources are gone). */
  private async trainFiled(fromMailboxId: number, toMailboxId: number, uids: number[]): Promise<void> {
    const [from, to] = await Promise.all([this.store.mailboxes.findById(fromMailboxId), this.store.mailboxes.findById(toMailboxId)]);
    if (!from || !to) return;
    const spam = filingVerdict(from.specialUse, to.specialUse);
    if (spam === null) return;
    const raws: Buffer[] = [];
    for (const uid of uids.slice(0, MAX_TRAINED_PER_ACTION)) raws.push(await this.store.messages.raw(toMailboxId, uid));
    await this.spamTrainer!.filed(to.accountId, raws, spam);
  }

  search(mailboxId: number, key: SearchKey): Promise<number[]> {
    return this.store.imap.search(mailboxId, key);
  }

  watch(mailboxId: number, onChange: (modseq?: bigint) => void): () => void {
    if (!this.feed) return () => undefined;
    const offMailbox = this.feed.onMailbox(mailboxId, (change) => onChange(/^\d+$/.test(change.modseq) ? BigInt(change.modseq) : undefined));
    const offResync = this.feed.onResync(() => onChange());
    return () => {
      offMailbox();
      offResync();
    };
  }

  watchAccount(accountId: number, onChange: (change: AccountChange | null) => void): () => void {
    if (!this.feed) return () => undefined;
    const offAccount = this.feed.onAccount(accountId, (change) => onChange({ mailboxId: change.mailboxId, kind: change.kind, modseq: BigInt(change.modseq) }));
    const offResync = this.feed.onResync(() => onChange(null));
    return () => {
      offAccount();
      offResync();
    };
  }
}
