import { formatThreadResponse, parseThreadAlgorithm, ThreadAlgorithmError, threadMessages } from '../ext';
import { SELECTED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import { selectedOf } from '../server/session-helpers';
import { ok, type CommandResult } from '../server/session-state';
import type { ArgReader } from '../protocol/arguments';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import { matchingUids } from './search';

/**
 * THREAD / UID THREAD (RFC 5256 3): `THREAD algorithm charset search-keys` with ORDEREDSUBJECT
 * and REFERENCES over the stored Message-ID / In-Reply-To / References.
 */
export async function thread(session: ImapSession, args: ArgReader, byUid: boolean): Promise<CommandResult> {
  const box = selectedOf(session);
  let algorithm;
  try {
    algorithm = parseThreadAlgorithm(args.atom('threading algorithm'));
  } catch (error) {
    if (error instanceof ThreadAlgorithmError) throw new SyntaxError(error.message);
    throw error;
  }
  const nodes: ArgNode[] = [];
  while (args.remaining > 0) nodes.push(args.next('thread arguments'));
  if (nodes.length < 2) throw new SyntaxError('Expected a charset and search criteria');
  nodes.unshift({ kind: 'atom', value: 'CHARSET' });
  const matched = await matchingUids(session, box, nodes);
  if ('status' in matched) return matched;
  const rows = matched.uids.length === 0 ? [] : await session.store.threadRows(box.id, matched.uids);
  // Mailbox (UID) order, as threadMessages needs for its ties.
  const messages = rows.filter((r) => box.seqOf(r.uid) > 0).map((r) => ({ ...r, id: byUid ? r.uid : box.seqOf(r.uid) }));
  await session.write(`${formatThreadResponse(threadMessages(messages, algorithm))}\r\n`);
  return ok('THREAD completed');
}

export const threadCommand = {
  name: 'THREAD',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args) => thread(session, args, false),
} satisfies CommandSpec;

export const uidThreadCommand = {
  name: 'UID THREAD',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args) => thread(session, args, true),
} satisfies CommandSpec;
