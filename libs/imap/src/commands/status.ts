import { utf8Names } from '../server/imap4rev2';
import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import { mailboxArg } from '../server/mailbox-names';
import { enableCondstore } from '../server/condstore';
import { mailboxObjectId } from '../ext/objectid';
import { accountOf } from '../server/session-helpers';
import { no, ok } from '../server/session-state';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import { ResponseBuilder } from '../protocol/response-writer';
import type { MailboxSummary } from '../mail-store';

export const STATUS_ITEMS = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'SIZE', 'HIGHESTMODSEQ', 'MAILBOXID', 'DELETED', 'DELETED-STORAGE'] as const;
export type StatusItem = (typeof STATUS_ITEMS)[number];

export function statusItems(nodes: ArgNode[]): StatusItem[] {
  if (nodes.length === 0) throw new SyntaxError('Empty status item list');
  return nodes.map((n) => {
    const item = (n.kind === 'atom' ? n.value : '').toUpperCase();
    if (!(STATUS_ITEMS as readonly string[]).includes(item)) throw new SyntaxError(`Unknown status item ${item.slice(0, 20)}`);
    return item as StatusItem;
  });
}

/**
 * RECENT for STATUS (RFC 3501 6.3.10): the selected mailbox's from the session's view, any
 * other's as the messages no session has claimed yet. Undefined when RECENT is not asked for.
 */
export async function statusRecent(session: ImapSession, box: MailboxSummary, items: StatusItem[]): Promise<number | undefined> {
  if (!items.includes('RECENT')) return undefined;
  if (session.state.kind === 'selected' && session.state.mailbox.id === box.id) return session.state.mailbox.recent.size;
  return session.store.recentCount(box.id);
}

/** What a STATUS line needs beyond the mailbox summary, read only for the items asked for. */
export interface StatusExtras {
  recent?: number;
  deleted?: { messages: number; bytes: bigint };
}

export async function statusExtras(session: ImapSession, box: MailboxSummary, items: StatusItem[]): Promise<StatusExtras> {
  return {
    recent: await statusRecent(session, box, items),
    deleted: items.includes('DELETED') || items.includes('DELETED-STORAGE') ? await session.store.deletedUsage(box.id) : undefined,
  };
}

/** The untagged STATUS line (RFC 3501 7.2.4); the selected mailbox's counts come from the session's view. */
export function statusLine(session: ImapSession, box: MailboxSummary, items: StatusItem[], extras: StatusExtras): Buffer {
  const recent = extras.recent;
  const selected = session.state.kind === 'selected' && session.state.mailbox.id === box.id ? session.state.mailbox : undefined;
  const values = items.map((item) => {
    switch (item) {
      case 'MESSAGES':
        return `MESSAGES ${selected ? selected.exists : box.messages}`;
      case 'RECENT':
        return `RECENT ${selected ? selected.recent.size : (recent ?? 0)}`;
      case 'UIDNEXT':
        return `UIDNEXT ${box.uidNext}`;
      case 'UIDVALIDITY':
        return `UIDVALIDITY ${box.uidValidity}`;
      case 'UNSEEN':
        return `UNSEEN ${box.unseen}`;
      case 'SIZE':
        return `SIZE ${box.size}`;
      case 'HIGHESTMODSEQ':
        // RFC 7162 3.1.6
        return `HIGHESTMODSEQ ${box.highestModseq}`;
      case 'MAILBOXID':
        // RFC 8474 4.2
        return `MAILBOXID (${mailboxObjectId(box.id)})`;
      case 'DELETED':
        // RFC 9051 6.3.11
        return `DELETED ${extras.deleted?.messages ?? 0}`;
      case 'DELETED-STORAGE':
        // RFC 9208 4.3 (QUOTA=RES-STORAGE): octets an EXPUNGE would free
        return `DELETED-STORAGE ${extras.deleted?.bytes ?? 0n}`;
      default: {
        const never: never = item;
        return never;
      }
    }
  });
  return new ResponseBuilder().raw('* STATUS ').mailbox(box.name, utf8Names(session)).raw(` (${values.join(' ')})`).end();
}

export const statusCommand = {
  name: 'STATUS',
  states: AUTHENTICATED,
  async handler(session, args) {
    const name = mailboxArg(args, session);
    const items = statusItems(args.list('status items'));
    args.end();
    const box = await session.store.getMailbox(accountOf(session), name);
    if (!box) return no('Mailbox does not exist', 'NONEXISTENT');
    if (items.includes('HIGHESTMODSEQ')) await enableCondstore(session);
    await session.write(statusLine(session, box, items, await statusExtras(session, box, items)));
    return ok('STATUS completed');
  },
} satisfies CommandSpec;
