import { computeEsearch, formatEsearch, formatSearch, orderedSequenceSet, parseSortCriteria, SortCriteriaError, sortMessages, type SearchReturnOption } from '../ext';
import { SELECTED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import { takeReturnOptions } from '../server/search-return';
import { selectedOf } from '../server/session-helpers';
import { ok, type CommandResult } from '../server/session-state';
import type { ArgReader } from '../protocol/arguments';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import { matchingUids } from './search';

/** ESORT answer (RFC 5267 3.1): MIN/MAX are the first/last in sort order, ALL keeps the order. */
function esortLine(tag: string, byUid: boolean, numbers: number[], options: ReadonlySet<SearchReturnOption>): string {
  const counted = computeEsearch(numbers, new Set([...options].filter((o) => o === 'COUNT')));
  const result = { ...counted } as ReturnType<typeof computeEsearch>;
  if (numbers.length > 0) {
    if (options.has('MIN')) result.min = numbers[0];
    if (options.has('MAX')) result.max = numbers[numbers.length - 1];
    if (options.has('ALL')) result.all = orderedSequenceSet(numbers);
  }
  return formatEsearch({ tag, uid: byUid, result });
}

/**
 * SORT / UID SORT (RFC 5256 3): `SORT (criteria) charset search-keys`, with DISPLAYFROM and
 * DISPLAYTO (RFC 5957) and the ESORT form `SORT RETURN (...) (criteria) ...` (RFC 5267).
 */
export async function sort(session: ImapSession, args: ArgReader, byUid: boolean, tag: string): Promise<CommandResult> {
  const box = selectedOf(session);
  const nodes: ArgNode[] = [];
  while (args.remaining > 0) nodes.push(args.next('sort arguments'));
  const options = takeReturnOptions(nodes);
  if (options?.has('SAVE')) throw new SyntaxError('SAVE is not supported with SORT');
  const criteriaNode = nodes.shift();
  if (criteriaNode?.kind !== 'list') throw new SyntaxError('Expected a list of sort criteria');
  let criteria;
  try {
    criteria = parseSortCriteria(criteriaNode.items.map((n) => (n.kind === 'atom' ? n.value : '')));
  } catch (error) {
    if (error instanceof SortCriteriaError) throw new SyntaxError(error.message);
    throw error;
  }
  // RFC 5256 3: the charset is not optional here.
  if (nodes.length < 2) throw new SyntaxError('Expected a charset and search criteria');
  nodes.unshift({ kind: 'atom', value: 'CHARSET' });
  const matched = await matchingUids(session, box, nodes);
  if ('status' in matched) return matched;
  const rows = matched.uids.length === 0 ? [] : await session.store.sortRows(box.id, matched.uids);
  const sorted = sortMessages(
    rows.map((r) => ({ ...r, seq: box.seqOf(r.uid) })).filter((r) => r.seq > 0),
    criteria,
  );
  const numbers = sorted.map((m) => (byUid ? m.uid : m.seq));
  if (options) await session.write(`${esortLine(tag, byUid, numbers, options)}\r\n`);
  else await session.write(`${formatSearch({ kind: 'SORT', numbers })}\r\n`);
  return ok('SORT completed');
}

export const sortCommand = {
  name: 'SORT',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args, command) => sort(session, args, false, command.tag),
} satisfies CommandSpec;

export const uidSortCommand = {
  name: 'UID SORT',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args, command) => sort(session, args, true, command.tag),
} satisfies CommandSpec;
