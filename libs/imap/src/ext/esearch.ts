/**
 * ESEARCH results (RFC 4731), the SEARCHRES SAVE subset (RFC 5182 section 2.1), CONDSTORE's
 * MODSEQ in search answers (RFC 7162 section 3.1.5) and ESORT order (RFC 5267 section 3.1).
 * Pure: the SEARCH/SORT command computes the matching numbers (UIDs for UID SEARCH, sequence
 * numbers otherwise) and hands them here to build the untagged response line (without CRLF).
 */
import { compressSequenceSet } from './sequence-set';

export type SearchReturnOption = 'MIN' | 'MAX' | 'COUNT' | 'ALL' | 'SAVE';
const RETURN_OPTIONS: readonly SearchReturnOption[] = ['MIN', 'MAX', 'COUNT', 'ALL', 'SAVE'];

export class SearchReturnError extends Error {}

/**
 * `SEARCH RETURN (<options>)`: the words inside the parentheses, any case. An empty list means
 * ALL (RFC 4731 section 3.1). An unknown option is a BAD (throws SearchReturnError).
 */
export function parseSearchReturnOptions(words: readonly string[]): Set<SearchReturnOption> {
  const options = new Set<SearchReturnOption>();
  for (const word of words) {
    const upper = word.toUpperCase() as SearchReturnOption;
    if (!RETURN_OPTIONS.includes(upper)) throw new SearchReturnError(`Unknown SEARCH RETURN option ${word.slice(0, 30)}`);
    options.add(upper);
  }
  if (options.size === 0) options.add('ALL');
  return options;
}

export interface EsearchResult {
  min?: number;
  max?: number;
  count?: number;
  /** Compressed sequence-set (`1:3,5`), omitted when nothing matched. */
  all?: string;
  /** RFC 7162 section 3.1.5: only when the search used MODSEQ and something matched. */
  modseq?: bigint;
}

/**
 * What to answer for `matches` (ascending or not; duplicates ignored).
 * `modseqOf` is given when the search had a MODSEQ criterion: the returned MODSEQ is the highest
 * among the messages returned, i.e. all matches when ALL or COUNT was asked, else the MIN/MAX ones.
 * RFC 4731 section 3.1: MIN, MAX and ALL are omitted when nothing matched; COUNT is then 0.
 */
export function computeEsearch(
  matches: readonly number[],
  options: ReadonlySet<SearchReturnOption>,
  modseqOf?: (n: number) => bigint,
): EsearchResult {
  const sorted = [...new Set(matches)].sort((a, b) => a - b);
  const result: EsearchResult = {};
  const has = sorted.length > 0;
  if (options.has('MIN') && has) result.min = sorted[0];
  if (options.has('MAX') && has) result.max = sorted[sorted.length - 1];
  if (options.has('COUNT')) result.count = sorted.length;
  if (options.has('ALL') && has) result.all = compressSequenceSet(sorted);
  if (modseqOf && has) {
    const returned = options.has('ALL') || options.has('COUNT') ? sorted : [result.min, result.max].filter((n): n is number => n !== undefined);
    let highest: bigint | undefined;
    for (const n of returned) {
      const m = modseqOf(n);
      if (highest === undefined || m > highest) highest = m;
    }
    if (highest !== undefined) result.modseq = highest;
  }
  return result;
}

/**
 * RFC 5182 section 2.1: `SEARCH RETURN (SAVE)` alone sends no ESEARCH response at all (the
 * tagged OK is the only answer). Any other combination does.
 */
export function sendsEsearchResponse(options: ReadonlySet<SearchReturnOption>): boolean {
  return [...options].some((o) => o !== 'SAVE');
}

/**
 * The numbers `$` holds after `SEARCH RETURN (SAVE ...)` (RFC 5182 section 2.1): with SAVE plus only
 * MIN and/or MAX, just those one or two messages; otherwise every match.
 */
export function savedMatches(matches: readonly number[], options: ReadonlySet<SearchReturnOption>): number[] {
  const sorted = [...new Set(matches)].sort((a, b) => a - b);
  const onlyMinMax = !options.has('ALL') && !options.has('COUNT') && (options.has('MIN') || options.has('MAX'));
  if (!onlyMinMax || sorted.length === 0) return sorted;
  const out = new Set<number>();
  if (options.has('MIN')) out.add(sorted[0]!);
  if (options.has('MAX')) out.add(sorted[sorted.length - 1]!);
  return [...out].sort((a, b) => a - b);
}

/** IMAP quoted string for the TAG correlator (tags are atoms, but quote defensively). */
function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * `* ESEARCH (TAG "A282") UID MIN 2 COUNT 3` (RFC 4731 section 3.1 `esearch-response`).
 * Items appear in the order MIN, MAX, COUNT, ALL, MODSEQ.
 */
export function formatEsearch(args: { tag: string; uid: boolean; result: EsearchResult }): string {
  const parts = [`* ESEARCH (TAG ${quote(args.tag)})`];
  if (args.uid) parts.push('UID');
  const r = args.result;
  if (r.min !== undefined) parts.push(`MIN ${r.min}`);
  if (r.max !== undefined) parts.push(`MAX ${r.max}`);
  if (r.count !== undefined) parts.push(`COUNT ${r.count}`);
  if (r.all !== undefined) parts.push(`ALL ${r.all}`);
  if (r.modseq !== undefined) parts.push(`MODSEQ ${r.modseq}`);
  return parts.join(' ');
}

/**
 * Plain `* SEARCH 2 5 6` / `* SORT 5 3 4`, with CONDSTORE's `(MODSEQ n)` suffix when the search used
 * MODSEQ and something matched (RFC 7162 section 3.1.5). Order is kept as given (SORT order).
 */
export function formatSearch(args: { kind: 'SEARCH' | 'SORT'; numbers: readonly number[]; modseq?: bigint }): string {
  let line = `* ${args.kind}`;
  if (args.numbers.length > 0) line += ` ${args.numbers.join(' ')}`;
  if (args.modseq !== undefined && args.numbers.length > 0) line += ` (MODSEQ ${args.modseq})`;
  return line;
}

/**
 * ESORT (RFC 5267 section 3.1): ALL keeps the sort order, so only ascending consecutive runs
 * collapse: `[5, 6, 7, 1, 3]` -> `5:7,1,3`.
 */
export function orderedSequenceSet(numbers: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    parts.push(i === j ? String(numbers[i]) : `${numbers[i]}:${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
