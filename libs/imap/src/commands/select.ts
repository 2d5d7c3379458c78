import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import { mailboxArg } from '../server/mailbox-names';
import { openMailbox } from '../server/selected-mailbox';
import { bad, no, ok, type CommandResult } from '../server/session-state';
import { qresyncEnabled } from '../server/condstore';
import { mailboxObjectId } from '../ext/objectid';
import { parseSelectParams, reportQresync } from '../server/qresync-select';
import type { ArgReader } from '../protocol/arguments';
import { rev2Enabled } from '../server/imap4rev2';
import { selectedListLine } from './list';

/** SELECT and EXAMINE (RFC 3501 6.3.1-2): a failed SELECT leaves no mailbox selected. */
export async function selectMailbox(session: ImapSession, args: ArgReader, readOnly: boolean): Promise<CommandResult> {
  const name = mailboxArg(args, session);
  const params = parseSelectParams(args.optionalList());
  args.end();
  if (session.state.kind === 'not-authenticated' || session.state.kind === 'logout') return no('Not logged in');
  // RFC 7162 3.2.5: the QRESYNC parameter is only valid after ENABLE QRESYNC.
  if (params.qresync && !qresyncEnabled(session)) return bad('QRESYNC is not enabled');
  if (params.condstore) session.enabled.add('CONDSTORE');
  const user = session.state.user;
  const wasSelected = session.state.kind === 'selected';
  session.deselect();
  const rev2 = rev2Enabled(session);
  // RFC 7162 3.2.11: a server implementing QRESYNC MUST send [CLOSED] when SELECT/EXAMINE
  // closes the selected mailbox, whether or not the client enabled it (RFC 9051 6.3.2 too):
  // it marks where the previous mailbox's responses end. Clients ignore codes they do not know
  // (RFC 3501 7.1). Dovecot sends it the same way, re-selecting the same mailbox included.
  if (wasSelected) await session.untagged('OK [CLOSED] Previous mailbox closed');
  const summary = await session.store.getMailbox(user.accountId, name);
  if (!summary) return no(`Mailbox does not exist`, 'NONEXISTENT');
  // An IMAP4rev2 session has no \Recent (RFC 9051 Appendix E 12): it claims nothing, so the
  // messages stay \Recent for an IMAP4rev1 session that selects the mailbox later.
  // RFC 9051 6.3.2: the mailbox's LIST response, with accurate attributes (read alongside the view).
  const [mailbox, listLine] = await Promise.all([openMailbox(session.store, summary, readOnly, !readOnly && !rev2), rev2 ? selectedListLine(session, summary) : undefined]);
  session.select(mailbox, user);
  // RFC 3501 7.2.6 / RFC 9051 7.3.5: the system flags and the mailbox's keywords; PERMANENTFLAGS
  // adds \* (new keywords may be created), and is empty for EXAMINE (6.3.2).
  for (const line of mailbox.keywords.responses(readOnly)) await session.untagged(line);
  await session.untagged(`${mailbox.exists} EXISTS`);
  if (listLine) {
    await session.write(listLine);
  } else {
    // RFC 3501 6.3.1/7.3.2: the messages this SELECT claimed; EXAMINE reports the same
    // count without claiming them (6.3.2).
    await session.untagged(`${mailbox.recent.size} RECENT`);
    const firstUnseen = mailbox.firstUnseenUid;
    const unseenSeq = firstUnseen === null ? 0 : mailbox.seqOf(firstUnseen);
    if (unseenSeq > 0) await session.untagged(`OK [UNSEEN ${unseenSeq}] First unseen`);
  }
  await session.untagged(`OK [UIDVALIDITY ${summary.uidValidity}] UIDs valid`);
  await session.untagged(`OK [UIDNEXT ${Math.max(summary.uidNext, mailbox.lastUid + 1)}] Predicted next UID`);
  // RFC 7162 3.1.2.1: every successful SELECT/EXAMINE reports the mailbox's HIGHESTMODSEQ.
  await session.untagged(`OK [HIGHESTMODSEQ ${mailbox.knownModseq}] Highest`);
  // RFC 8474 4.1
  await session.untagged(`OK [MAILBOXID (${mailboxObjectId(summary.id)})] Ok`);
  if (params.qresync) await reportQresync(session, mailbox, params.qresync);
  return ok(`${readOnly ? 'EXAMINE' : 'SELECT'} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

export const selectCommand = {
  name: 'SELECT',
  states: AUTHENTICATED,
  handler: (session, args) => selectMailbox(session, args, false),
} satisfies CommandSpec;
