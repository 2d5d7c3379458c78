import { describe, expect, it } from 'vitest';
import {
  computeEsearch,
  formatEsearch,
  formatSearch,
  orderedSequenceSet,
  parseSearchReturnOptions,
  SearchReturnError,
  savedMatches,
  sendsEsearchResponse,
} from './esearch';
import { SearchResultVariable } from './search-result-variable';

const opts = (...words: string[]) => parseSearchReturnOptions(words);

describe('ESEARCH (RFC 4731)', () => {
  it('treats RETURN () as RETURN (ALL) (section 3.1)', () => {
    expect([...opts()]).toEqual(['ALL']);
    expect([...opts('min', 'Count')]).toEqual(['MIN', 'COUNT']);
    expect(() => opts('PARTIAL')).toThrow(SearchReturnError);
  });

  it('formats the RFC 4731 section 3.1 examples', () => {
    // A282 SEARCH RETURN (MIN COUNT) FLAGGED ... -> * ESEARCH (TAG "A282") MIN 2 COUNT 3
    expect(formatEsearch({ tag: 'A282', uid: false, result: computeEsearch([2, 10, 11], opts('MIN', 'COUNT')) })).toBe(
      '* ESEARCH (TAG "A282") MIN 2 COUNT 3',
    );
    // A283 SEARCH RETURN () FLAGGED ... -> * ESEARCH (TAG "A283") ALL 2,10:11
    expect(formatEsearch({ tag: 'A283', uid: false, result: computeEsearch([2, 10, 11], opts()) })).toBe('* ESEARCH (TAG "A283") ALL 2,10:11');
    // A285 UID SEARCH RETURN (MIN MAX) ... -> * ESEARCH (TAG "A285") UID MIN 7 MAX 3800
    expect(formatEsearch({ tag: 'A285', uid: true, result: computeEsearch([3800, 7, 100], opts('MIN', 'MAX')) })).toBe(
      '* ESEARCH (TAG "A285") UID MIN 7 MAX 3800',
    );
  });

  it('omits MIN, MAX and ALL but keeps COUNT 0 when nothing matched (section 3.1)', () => {
    const result = computeEsearch([], opts('MIN', 'MAX', 'COUNT', 'ALL'));
    expect(result).toEqual({ count: 0 });
    expect(formatEsearch({ tag: 'A1', uid: true, result })).toBe('* ESEARCH (TAG "A1") UID COUNT 0');
    // RFC 4731 example A284: nothing matched and only MIN asked for.
    expect(formatEsearch({ tag: 'A284', uid: false, result: computeEsearch([], opts('MIN')) })).toBe('* ESEARCH (TAG "A284")');
  });

  it('adds MODSEQ as the highest of the returned messages (RFC 7162 section 3.1.5)', () => {
    const modseqs = new Map([[1, 10n], [2, 50n], [3, 20n]]);
    const of = (n: number) => modseqs.get(n)!;
    expect(computeEsearch([1, 2, 3], opts('ALL'), of).modseq).toBe(50n);
    expect(computeEsearch([1, 2, 3], opts('MIN', 'MAX'), of).modseq).toBe(20n);
    expect(computeEsearch([1, 2, 3], opts('COUNT'), of).modseq).toBe(50n);
    expect(computeEsearch([], opts('ALL'), of).modseq).toBeUndefined();
    expect(formatEsearch({ tag: 'a', uid: true, result: computeEsearch([1, 2, 3], opts('ALL'), of) })).toBe('* ESEARCH (TAG "a") UID ALL 1:3 MODSEQ 50');
  });

  it('quotes the tag correlator safely', () => {
    expect(formatEsearch({ tag: 'a"b\\', uid: false, result: {} })).toBe('* ESEARCH (TAG "a\\"b\\\\")');
  });

  it('formats plain SEARCH and SORT with the optional MODSEQ', () => {
    expect(formatSearch({ kind: 'SEARCH', numbers: [2, 5, 6], modseq: 917162500n })).toBe('* SEARCH 2 5 6 (MODSEQ 917162500)');
    expect(formatSearch({ kind: 'SEARCH', numbers: [], modseq: 5n })).toBe('* SEARCH');
    expect(formatSearch({ kind: 'SORT', numbers: [5, 3, 4] })).toBe('* SORT 5 3 4');
  });

  it('keeps ESORT order in ALL (RFC 5267 section 3.1)', () => {
    expect(orderedSequenceSet([5, 6, 7, 1, 3, 4])).toBe('5:7,1,3:4');
    expect(orderedSequenceSet([3, 2, 1])).toBe('3,2,1');
    expect(orderedSequenceSet([])).toBe('');
  });
});

describe('SEARCHRES (RFC 5182)', () => {
  it('sends no ESEARCH for RETURN (SAVE) alone (section 2.1)', () => {
    expect(sendsEsearchResponse(opts('SAVE'))).toBe(false);
    expect(sendsEsearchResponse(opts('SAVE', 'MIN'))).toBe(true);
  });

  it('saves only MIN/MAX when combined with nothing else, else everything (section 2.1)', () => {
    expect(savedMatches([9, 4, 7], opts('SAVE', 'MIN'))).toEqual([4]);
    expect(savedMatches([9, 4, 7], opts('SAVE', 'MAX'))).toEqual([9]);
    expect(savedMatches([9, 4, 7], opts('SAVE', 'MIN', 'MAX'))).toEqual([4, 9]);
    expect(savedMatches([7], opts('SAVE', 'MIN', 'MAX'))).toEqual([7]);
    expect(savedMatches([9, 4, 7], opts('SAVE', 'MIN', 'COUNT'))).toEqual([4, 7, 9]);
    expect(savedMatches([9, 4, 7], opts('SAVE'))).toEqual([4, 7, 9]);
    expect(savedMatches([], opts('SAVE', 'MIN'))).toEqual([]);
  });

  it('keeps UIDs across expunges and maps them to current sequence numbers', () => {
    const saved = new SearchResultVariable();
    expect(saved.isEmpty).toBe(true);
    saved.save([10, 20, 30]);
    // Mailbox UIDs in sequence order: 5, 10, 20, 30 -> seq 2, 3, 4.
    expect(saved.toSequenceNumbers([5, 10, 20, 30])).toEqual([2, 3, 4]);
    saved.expunged([20, 5]);
    expect(saved.toUids()).toEqual([10, 30]);
    expect(saved.toSequenceNumbers([10, 30])).toEqual([1, 2]);
    saved.clear();
    expect(saved.isEmpty).toBe(true);
    expect(saved.toSequenceNumbers([10, 30])).toEqual([]);
  });
});
