import type { MailsteadConfig } from '@mailstead/config';
import { filingVerdict, MAX_TRAINED_PER_ACTION, type SpamTrainer } from '@mailstead/spam';
import type { MessageRef, Store, StoredMessage, WebmailSearch } from '@mailstead/store';
import type { MailboxService } from './mailbox.service';
import { notFound } from './service-error';

function groupByMailbox(refs: MessageRef[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const r of refs) groups.set(r.mailboxId, [...(groups.get(r.mailboxId) ?? []), r.uid]);
  return groups;
}

/**
 * An account's own messages, for the webmail API: reading (optionally marking read), flags,
 * copy and move (a copy is held to the message quota as IMAP COPY is), delete (to Trash, or
 * expunged when in Trash or asked to), search. A bulk action on ids of which one is not the
 * account's does nothing (not found).
 */
export class MessageService {
  constructor(
    private readonly store: Store,
    private readonly config: MailsteadConfig,
    private readonly mailboxes: MailboxService,
    /** trains the spam classifier when mail is moved or copied into Junk or out of it (libs/spam) */
    private readonly spamTrainer?: Pick<SpamTrainer, 'filed'>,
  ) {}

  async get(accountId: number, id: bigint, options: { markSeen?: boolean } = {}): Promise<StoredMessage> {
    const message = await this.store.webmail.getMessage(accountId, id);
    if (!message) throw notFound('message');
    if (options.markSeen && !message.seen) {
      await this.store.messages.updateFlags(message.mailboxId, [message.uid], 'add', ['\\Seen']);
      message.seen = true;
    }
    return message;
  }

  /** The conversation of a message, oldest first, across the account's folders. */
  async thread(accountId: number, id: bigint) {
    const rows = await this.store.webmail.threadOf(accountId, id);
    if (rows.length === 0) throw notFound('message');
    return rows;
  }

  /** Flags and keywords as libs/contracts' flagsRequest admits them; answers how many messages. */
  async setFlags(accountId: number, ids: string[], add: string[], remove: string[]): Promise<number> {
    const refs = await this.refs(accountId, ids);
    for (const [mailboxId, uids] of groupByMailbox(refs)) {
      if (add.length > 0) await this.store.messages.updateFlags(mailboxId, uids, 'add', add);
      if (remove.length > 0) await this.store.messages.updateFlags(mailboxId, uids, 'remove', remove);
    }
    return refs.length;
  }

  async transfer(accountId: number, ids: string[], targetMailboxId: number, move: boolean): Promise<number> {
    const target = await this.mailboxes.get(accountId, targetMailboxId);
    const refs = await this.refs(accountId, ids);
    let count = 0;
    for (const [mailboxId, uids] of groupByMailbox(refs)) {
      if (move && mailboxId === target.id) continue;
      // a copy adds messages, so it is held to the message quota as IMAP COPY is (a move is not)
      const { pairs } = await this.store.messages.copy(mailboxId, uids, target.id, move, { messageLimit: this.config.imap.messageQuota });
      count += pairs.length;
      if (this.spamTrainer && pairs.length > 0) await this.trainFiled(accountId, mailboxId, target.id, target.specialUse, pairs.map(([, to]) => to));
    }
    return count;
  }

  /** The webmail's Junk and Not junk are moves: into Junk learns spam, out of it (but to Trash) ham, as IMAP MOVE does. */
  private async trainFiled(accountId: number, fromMailboxId: number, toMailboxId: number, toSpecialUse: string | null, uids: number[]): Promise<void> {
    const from = await this.store.mailboxes.findById(fromMailboxId);
    const spam = filingVerdict(from?.specialUse ?? null, toSpecialUse);
    if (spam === null) return;
    const raws: Buffer[] = [];
    for (const uid of uids.slice(0, MAX_TRAINED_PER_ACTION)) raws.push(await this.store.messages.raw(toMailboxId, uid));
    await this.spamTrainer!.filed(accountId, raws, spam);
  }

  /** To Trash; messages already in Trash (or with `permanent`, or without a Trash) are expunged. */
  async delete(accountId: number, ids: string[], permanent: boolean): Promise<number> {
    const refs = await this.refs(accountId, ids);
    const trash = await this.store.mailboxes.findSpecialUse(accountId, '\\Trash');
    let count = 0;
    for (const [mailboxId, uids] of groupByMailbox(refs)) {
      if (permanent || !trash || mailboxId === trash.id) {
        // one expunge of exactly these (no \Deleted step a concurrent IMAP STORE could undo in between)
        count += (await this.store.messages.expunge(mailboxId, uids, { deletedOnly: false })).length;
      } else {
        count += (await this.store.messages.copy(mailboxId, uids, trash.id, true)).pairs.length;
      }
    }
    return count;
  }

  /**
   * Searches the account's mail (one mailbox of its own, or all). Indexing unindexed mail stops
   * after MAILSTEAD_SEARCH_FILL_BUDGET; `indexing` then says the answer left some out.
   */
  async search(accountId: number, query: Omit<WebmailSearch, 'accountId' | 'fillBudgetMs'>) {
    if (query.mailboxId !== undefined) await this.mailboxes.get(accountId, query.mailboxId);
    return this.store.webmail.search({ ...query, accountId, fillBudgetMs: this.config.search.fillBudgetMs });
  }

  /** Every id must be one of the account's messages, or nothing happens (not found). */
  private async refs(accountId: number, ids: string[]): Promise<MessageRef[]> {
    const unique = [...new Set(ids)].map((i) => BigInt(i));
    const refs = await this.store.webmail.resolveIds(accountId, unique);
    if (refs.length !== unique.length) throw notFound('message');
    return refs;
  }
}
