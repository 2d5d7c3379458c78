import { computeEsearch, formatEsearch, parseSearchReturnOptions, savedMatches, SearchReturnError, sendsEsearchResponse, type SearchReturnOption } from '../ext';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import type { SearchKey } from '../mail-store';
import { enableCondstore, usesModseq } from './condstore';
import type { ImapSession } from './imap-session';
import type { SelectedMailbox } from './selected-mailbox';

/**
 * `SEARCH RETURN (...)` (RFC 4731 3.1, RFC 4466 2.6): takes the RETURN option list off the front
 * of the search arguments; undefined when the command has none (a plain SEARCH answer).
 */
export function takeReturnOptions(nodes: ArgNode[]): Set<SearchReturnOption> | undefined {
  const first = nodes[0];
  if (first?.kind !== 'atom' || first.value.toUpperCase() !== 'RETURN') return undefined;
  const list = nodes[1];
  if (list?.kind !== 'list') throw new SyntaxError('RETURN needs a list of options');
  nodes.splice(0, 2);
  try {
    return parseSearchReturnOptions(list.items.map((n) => (n.kind === 'atom' ? n.value : '')));
  } catch (error) {
    if (error instanceof SearchReturnError) throw new SyntaxError(error.message);
    throw error;
  }
}

/**
 * The ESEARCH answer (RFC 4731) for the matching UIDs (ascending, in the session's view), and
 * SAVE into `$` (RFC 5182 2.1: the UIDs, whichever of MIN/MAX/ALL the options select).
 */
export async function answerEsearch(
  session: ImapSession,
  box: SelectedMailbox,
  tag: string,
  byUid: boolean,
  key: SearchKey,
  uids: readonly number[],
  options: ReadonlySet<SearchReturnOption>,
): Promise<void> {
  const numbers = byUid ? [...uids] : uids.map((uid) => box.seqOf(uid));
  if (options.has('SAVE')) {
    const saved = new Set(savedMatches(numbers, options));
    box.saved.save(byUid ? saved : uids.filter((uid) => saved.has(box.seqOf(uid))));
  }
  if (!sendsEsearchResponse(options)) return;
  let modseqOf: ((n: number) => bigint) | undefined;
  if (usesModseq(key)) {
    await enableCondstore(session);
    const modseqs = await session.store.modseqs(box.id, uids);
    modseqOf = (n) => modseqs.get(byUid ? n : (box.uids[n - 1] ?? 0)) ?? 0n;
  }
  await session.write(`${formatEsearch({ tag, uid: byUid, result: computeEsearch(numbers, options, modseqOf) })}\r\n`);
}
