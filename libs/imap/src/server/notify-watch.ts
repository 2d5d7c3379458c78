import type { NotifyEvent, NotifyGroup, NotifySpec } from '../ext/notify';
import type { AccountChange, MailboxSummary } from '../mail-store';
import { ArgReader } from '../protocol/arguments';
import { listEntries, listLine } from '../commands/list';
import { statusLine, type StatusItem } from '../commands/status';
import { fetch } from '../commands/fetch';
import { condstoreEnabled } from './condstore';
import { DELIMITER } from './mailbox-names';
import type { ImapSession } from './imap-session';

const EVENT_OF_CHANGE: Record<Exclude<AccountChange['kind'], 'mailbox'>, NotifyEvent> = {
  append: 'MessageNew',
  expunge: 'MessageExpunge',
  flags: 'FlagChange',
};

interface KnownMailbox {
  id: number;
  name: string;
  subscribed: boolean;
}

/**
 * What NOTIFY SET (RFC 5465) asked for, for one session: which mailboxes it watches and how
 * their changes reach the client. Changes come from the store's per-account change feed (any
 * process); they are collected here and written by `push()`, which the session runs between
 * commands and during IDLE, never inside a command's responses.
 * - the selected mailbox (SELECTED / SELECTED-DELAYED): EXISTS, EXPUNGE (held back for
 *   SELECTED-DELAYED until a command that may report it), FETCH flags, and MessageNew's
 *   fetch attributes as an unsolicited UID FETCH;
 * - other mailboxes: STATUS (MESSAGES UIDNEXT UIDVALIDITY UNSEEN [HIGHESTMODSEQ]) (5.2-5.3);
 * - mailbox list changes: LIST, with \NonExistent for a deleted one and OLDNAME for a renamed
 *   one (MailboxName, 5.4), and \Subscribed for subscription changes (SubscriptionChange, 5.5).
 */
export class NotifyWatch {
  private known = new Map<number, KnownMailbox>();
  /**
   * Each mailbox's MODSEQ when NOTIFY SET took effect: a change at or below it happened before,
   * and its notification arriving late must not become a STATUS the client did not ask for.
   */
  private startModseqs = new Map<number, bigint>();
  private readonly statusDue = new Set<number>();
  private listDue = false;
  private selectedDue = false;
  private unwatch: () => void = () => undefined;

  private constructor(
    private readonly session: ImapSession,
    readonly spec: NotifySpec,
    private readonly accountId: number,
  ) {}

  static async start(session: ImapSession, spec: NotifySpec, accountId: number): Promise<NotifyWatch> {
    const watch = new NotifyWatch(session, spec, accountId);
    watch.unwatch = session.store.watchAccount(accountId, (change) => watch.onChange(change));
    const boxes = await session.store.listMailboxes(accountId);
    watch.known = watch.snapshot(boxes);
    watch.startModseqs = new Map(boxes.map((b) => [b.id, b.highestModseq]));
    return watch;
  }

  stop(): void {
    this.unwatch();
  }

  private snapshot(boxes: MailboxSummary[]): Map<number, KnownMailbox> {
    return new Map(boxes.map((b) => [b.id, { id: b.id, name: b.name, subscribed: b.subscribed }]));
  }

  private get selectedId(): number | undefined {
    return this.session.state.kind === 'selected' ? this.session.state.mailbox.id : undefined;
  }

  private get selectedGroup(): NotifyGroup | undefined {
    return this.spec.groups.find((g) => g.filter.kind === 'selected');
  }

  /** The event group that applies to a mailbox other than the selected one: the first that names it. */
  groupFor(box: KnownMailbox): NotifyGroup | undefined {
    return this.spec.groups.find((g) => {
      switch (g.filter.kind) {
        case 'selected':
          return false;
        case 'personal':
          return true;
        case 'inboxes':
          // Mail is delivered to INBOX only (no server-side filing rules yet).
          return box.name === 'INBOX';
        case 'subscribed':
          return box.subscribed;
        case 'subtree':
          return g.filter.names.some((n) => box.name === n || box.name.startsWith(`${n}${DELIMITER}`));
        case 'mailboxes':
          return g.filter.names.includes(box.name);
        default: {
          const never: never = g.filter;
          return never;
        }
      }
    });
  }

  private onChange(change: AccountChange | null): void {
    if (change === null) {
      // The change feed reconnected: anything may have been missed.
      this.listDue = true;
      this.selectedDue = true;
      for (const id of this.known.keys()) this.statusDue.add(id);
    } else if (change.kind === 'mailbox') {
      this.listDue = true;
    } else {
      const event = EVENT_OF_CHANGE[change.kind];
      if (change.mailboxId === this.selectedId) {
        if (this.selectedGroup?.events.has(event)) this.selectedDue = true;
        else return;
      } else {
        const box = this.known.get(change.mailboxId);
        if (!box || !this.groupFor(box)?.events.has(event)) return;
        if (change.modseq <= (this.startModseqs.get(change.mailboxId) ?? -1n)) return;
        this.statusDue.add(change.mailboxId);
      }
    }
    this.session.requestNotifications();
  }

  /** RFC 5465 3.1 (STATUS indicator): the state of every watched mailbox but the selected one. */
  async initialStatus(): Promise<void> {
    for (const box of this.known.values()) {
      if (box.id === this.selectedId) continue;
      const group = this.groupFor(box);
      if (group?.events.has('MessageNew')) await this.writeStatus(box.id);
    }
  }

  /** Writes what is due. */
  async push(): Promise<void> {
    if (this.listDue) {
      this.listDue = false;
      await this.pushMailboxList();
    }
    const selected = this.session.state.kind === 'selected' ? this.session.state.mailbox : undefined;
    const selectedDue = this.selectedDue;
    this.selectedDue = false;
    if (selectedDue && selected) {
      const group = this.selectedGroup;
      const lastUid = selected.lastUid;
      await this.session.sync(group?.filter.kind === 'selected' && !group.filter.delayed);
      if (group?.fetchAttributes && this.session.state.kind === 'selected' && this.session.state.mailbox === selected && selected.lastUid > lastUid) {
        // RFC 5465 5.1: MessageNew's fetch attributes, as a UID FETCH of the new messages would answer.
        const reader = new ArgReader([{ kind: 'atom', value: `${lastUid + 1}:${selected.lastUid}` }, group.fetchAttributes]);
        const result = await fetch(this.session, reader, true);
        if (result.status !== 'OK') this.session.log?.debug({ session: this.session.id, text: result.text }, 'imap notify fetch failed');
      }
    }
    const due = [...this.statusDue];
    this.statusDue.clear();
    for (const id of due) if (id !== this.selectedId) await this.writeStatus(id);
  }

  private async writeStatus(mailboxId: number): Promise<void> {
    const box = await this.session.store.getMailboxById(mailboxId);
    if (!box) return;
    const items: StatusItem[] = ['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN'];
    if (condstoreEnabled(this.session)) items.push('HIGHESTMODSEQ');
    await this.session.write(statusLine(this.session, box, items, {}));
  }

  /** Compares the mailbox list with the last one seen and reports the differences (5.4, 5.5). */
  private async pushMailboxList(): Promise<void> {
    const boxes = await this.session.store.listMailboxes(this.accountId);
    const now = this.snapshot(boxes);
    const attributes = new Map(listEntries(boxes).map((e) => [e.name, e.attributes]));
    const lines: Buffer[] = [];
    const line = (attrs: readonly string[], name: string, oldName?: string) => lines.push(listLine(this.session, 'LIST', attrs, name, oldName));
    for (const before of this.known.values()) {
      if (now.has(before.id)) continue;
      if (this.groupFor(before)?.events.has('MailboxName')) line(['\\NonExistent'], before.name);
      this.statusDue.delete(before.id);
    }
    for (const box of now.values()) {
      const before = this.known.get(box.id);
      const group = this.groupFor(box) ?? (before ? this.groupFor(before) : undefined);
      const attrs = attributes.get(box.name) ?? [];
      if (!before || before.name !== box.name) {
        if (group?.events.has('MailboxName')) line(attrs, box.name, before?.name);
      } else if (before.subscribed !== box.subscribed && group?.events.has('SubscriptionChange')) {
        line(box.subscribed ? [...attrs, '\\Subscribed'] : attrs, box.name);
      }
    }
    this.known = now;
    for (const l of lines) await this.session.write(l);
  }
}
