import { SyntaxError } from '../protocol/command-reader';
import type { SequenceSet } from '../protocol/arguments';
import type { ImapSession } from './imap-session';
import type { SelectedMailbox } from './selected-mailbox';

/** The logged-in account (the command table only lets authenticated commands through). */
export function accountOf(session: ImapSession): number {
  if (session.state.kind !== 'authenticated' && session.state.kind !== 'selected') throw new Error('not authenticated');
  return session.state.user.accountId;
}

export function selectedOf(session: ImapSession): SelectedMailbox {
  if (session.state.kind !== 'selected') throw new Error('no mailbox selected');
  return session.state.mailbox;
}

/**
 * The UIDs a command's message set names. Sequence numbers above the number of messages are
 * an error (RFC 3501 9 `seq-number`: BAD); UID sets simply skip UIDs that do not exist.
 */
export function messagesFor(box: SelectedMailbox, set: SequenceSet, byUid: boolean): number[] {
  if (byUid) return box.uidsForUidSet(set);
  if (box.exists > 0 && set.some((r) => (r.from !== Infinity && r.from > box.exists) || (r.to !== Infinity && r.to > box.exists))) {
    throw new SyntaxError('Invalid message sequence number');
  }
  return box.uidsForSequenceSet(set);
}
