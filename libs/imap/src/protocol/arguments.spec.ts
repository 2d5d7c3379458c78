import { describe, expect, it } from 'vitest';
import { formatDateTime, inSequenceSet, parseDateTime, parseSearchDate, parseSequenceSet, resolveSequenceSet } from './arguments';

describe('sequence sets (RFC 3501 9 sequence-set)', () => {
  it('parses numbers, ranges and *', () => {
    expect(parseSequenceSet('1:3,7,9:*')).toEqual([{ from: 1, to: 3 }, { from: 7, to: 7 }, { from: 9, to: Infinity }]);
    expect(parseSequenceSet('*:5')).toEqual([{ from: 5, to: Infinity }]);
    expect(parseSequenceSet('5:2')).toEqual([{ from: 2, to: 5 }]);
    expect(resolveSequenceSet(parseSequenceSet('*:5'), 3)).toEqual([{ from: 3, to: 5 }]);
    expect(inSequenceSet(parseSequenceSet('1:3,7'), 7)).toBe(true);
  });

  it('rejects malformed sets', () => {
    for (const bad of ['', '0', '1,', ':1', '1::2', 'a', '1:0', '4294967296', '-1']) expect(() => parseSequenceSet(bad)).toThrow();
  });
});

describe('dates', () => {
  it('parses SEARCH dates and APPEND date-times, and formats INTERNALDATE', () => {
    expect(parseSearchDate('1-Feb-1994').toISOString()).toBe('1994-02-01T00:00:00.000Z');
    expect(parseSearchDate('01-feb-1994').toISOString()).toBe('1994-02-01T00:00:00.000Z');
    expect(() => parseSearchDate('30-Feb-1994')).toThrow();
    expect(() => parseSearchDate('1994-02-01')).toThrow();
    expect(parseDateTime('17-Jul-1996 02:44:25 -0700').toISOString()).toBe('1996-07-17T09:44:25.000Z');
    expect(parseDateTime(' 7-Jul-1996 02:44:25 +0000').toISOString()).toBe('1996-07-07T02:44:25.000Z');
    expect(() => parseDateTime('17-Jul-1996 25:44:25 -0700')).toThrow();
    expect(formatDateTime(new Date('2026-11-02T08:05:09Z'))).toBe('02-Nov-2026 08:05:09 +0000');
  });
});
