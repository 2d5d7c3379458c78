import type { MailboxInfo, Store, WebmailListOptions } from '@mailstead/store';
import { invalid, notFound } from './service-error';

/**
 * An account's own mailboxes, for the webmail API: another account's mailbox is not found
 * (never say whether an id exists), INBOX cannot be deleted, and a mailbox with mailboxes
 * inside it is deleted only after them.
 */
export class MailboxService {
  constructor(private readonly store: Store) {}

  list(accountId: number): Promise<MailboxInfo[]> {
    return this.store.mailboxes.list(accountId);
  }

  async get(accountId: number, id: number): Promise<MailboxInfo> {
    const box = await this.find(accountId, id);
    if (!box) throw notFound('mailbox');
    return box;
  }

  /** The account's mailbox, or null (gone, or another account's). */
  async find(accountId: number, id: number): Promise<MailboxInfo | null> {
    const box = await this.store.mailboxes.findById(id);
    return box && box.accountId === accountId ? box : null;
  }

  create(accountId: number, name: string): Promise<MailboxInfo> {
    return this.store.mailboxes.create(accountId, name);
  }

  async update(accountId: number, id: number, input: { name?: string; subscribed?: boolean }): Promise<MailboxInfo> {
    const box = await this.get(accountId, id);
    if (input.name !== undefined && input.name !== box.name) await this.store.mailboxes.rename(accountId, box.name, input.name);
    if (input.subscribed !== undefined) await this.store.mailboxes.setSubscribed(box.id, input.subscribed);
    return (await this.store.mailboxes.findById(box.id))!;
  }

  /** Deletes the mailbox with its messages. */
  async remove(accountId: number, id: number): Promise<void> {
    const box = await this.get(accountId, id);
    if (box.name === 'INBOX') throw invalid('INBOX cannot be deleted');
    const children = (await this.store.mailboxes.list(accountId)).filter((m) => m.name.startsWith(`${box.name}/`));
    if (children.length > 0) throw invalid('delete or move the mailboxes inside it first');
    await this.store.mailboxes.delete(box.id);
  }

  /** A page of the mailbox's messages (the options as libs/store's webmail repository takes them). */
  async messages(accountId: number, id: number, options: WebmailListOptions) {
    const box = await this.get(accountId, id);
    return this.store.webmail.listMessages(accountId, box.id, options);
  }
}
