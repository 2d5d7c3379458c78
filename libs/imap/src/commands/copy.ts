import { SELECTED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import { mailboxArg } from '../server/mailbox-names';
import { compactSet } from '../server/selected-mailbox';
import { accountOf, messagesFor, selectedOf } from '../server/session-helpers';
import { no, ok, type CommandResult } from '../server/session-state';
import type { ArgReader } from '../protocol/arguments';
import { reportExpunged } from './expunge';

/**
 * COPY (RFC 3501 6.4.7) and MOVE (RFC 6851), with COPYUID (RFC 4315). MOVE sends COPYUID
 * untagged first, then the EXPUNGEs, then OK (RFC 6851 3.3).
 */
export async function copyMessages(session: ImapSession, args: ArgReader, byUid: boolean, move: boolean): Promise<CommandResult> {
  const set = args.sequenceSet();
  const target = mailboxArg(args, session);
  args.end();
  const box = selectedOf(session);
  const uids = messagesFor(box, set, byUid);
  if (move && box.readOnly) return no('Mailbox is read-only', 'READ-ONLY');
  const destination = await session.store.getMailbox(accountOf(session), target);
  if (!destination) return no('Mailbox does not exist', 'TRYCREATE');
  const verb = move ? 'MOVE' : 'COPY';
  if (uids.length === 0) return ok(`${verb} completed, nothing to do`);
  const result = await session.store.copy(box.id, uids, destination.id, move);
  if (destination.id === box.id) box.dirty = true;
  const code = result.pairs.length > 0 ? `COPYUID ${result.uidValidity} ${compactSet(result.pairs.map((p) => p[0]))} ${compactSet(result.pairs.map((p) => p[1]))}` : undefined;
  if (!move) return ok(`${verb} completed`, code);
  if (code) await session.untagged(`OK [${code}] Moved`);
  await reportExpunged(session, result.pairs.map((p) => p[0]));
  return ok(`${verb} completed`);
}

export const copyCommand = {
  name: 'COPY',
  states: SELECTED,
  handler: (session, args) => copyMessages(session, args, false, false),
} satisfies CommandSpec;

export const uidCopyCommand = {
  name: 'UID COPY',
  states: SELECTED,
  handler: (session, args) => copyMessages(session, args, true, false),
} satisfies CommandSpec;
