import { describe, expect, it } from 'vitest';
import { compressSequenceSet, expandSequenceSet, mergeRanges, rangesContain, selectInSequenceSet, toRanges } from './sequence-set';

describe('sequence-set compression (RFC 3501 section 9 sequence-set, RFC 4731 ALL)', () => {
  it('collapses consecutive runs and keeps singles', () => {
    expect(compressSequenceSet([1, 2, 3, 5])).toBe('1:3,5');
    expect(compressSequenceSet([5, 3, 1, 2, 3])).toBe('1:3,5');
    expect(compressSequenceSet([7])).toBe('7');
    expect(compressSequenceSet([2, 4, 6])).toBe('2,4,6');
    expect(compressSequenceSet([4294967294, 4294967295, 1])).toBe('1,4294967294:4294967295');
  });

  it('gives the empty string for no numbers', () => {
    expect(compressSequenceSet([])).toBe('');
    expect(toRanges([])).toEqual([]);
  });

  it('merges reversed, overlapping and adjacent ranges', () => {
    expect(mergeRanges([{ from: 9, to: 5 }, { from: 1, to: 2 }, { from: 3, to: 4 }, { from: 6, to: 7 }])).toEqual([{ from: 1, to: 9 }]);
    expect(mergeRanges([{ from: 10, to: 12 }, { from: 1, to: 2 }])).toEqual([{ from: 1, to: 2 }, { from: 10, to: 12 }]);
  });

  it('finds members by binary search', () => {
    const merged = mergeRanges([{ from: 1, to: 3 }, { from: 10, to: 20 }, { from: 40, to: 40 }]);
    expect([0, 1, 3, 4, 9, 10, 15, 20, 21, 40, 41].map((n) => rangesContain(merged, n))).toEqual([
      false, true, true, false, false, true, true, true, false, true, false,
    ]);
  });

  it('selects existing numbers without expanding huge client ranges', () => {
    expect(selectInSequenceSet([{ from: 1, to: 4294967295 }], [9, 3, 100000])).toEqual([3, 9, 100000]);
    expect(selectInSequenceSet([{ from: 5, to: Infinity }], [1, 5, 6])).toEqual([5, 6]);
    expect(selectInSequenceSet([{ from: 2, to: 3 }], [1, 4])).toEqual([]);
  });

  it('expands small sets and refuses big or unresolved ones', () => {
    expect(expandSequenceSet([{ from: 3, to: 1 }, { from: 7, to: 7 }, { from: 2, to: 4 }])).toEqual([1, 2, 3, 4, 7]);
    expect(() => expandSequenceSet([{ from: 1, to: 4294967295 }])).toThrow(RangeError);
    expect(() => expandSequenceSet([{ from: 1, to: Infinity }])).toThrow(RangeError);
    expect(expandSequenceSet([{ from: 1, to: 10 }], 10)).toHaveLength(10);
    expect(() => expandSequenceSet([{ from: 1, to: 11 }], 10)).toThrow(RangeError);
  });

  it('round-trips: compress then expand gives the sorted unique input', () => {
    const input = [17, 3, 4, 5, 99, 100, 1, 3, 18, 50];
    const text = compressSequenceSet(input);
    const ranges = text.split(',').map((part) => {
      const [a, b = a] = part.split(':');
      return { from: Number(a), to: Number(b) };
    });
    expect(expandSequenceSet(ranges)).toEqual([...new Set(input)].sort((a, b) => a - b));
  });
});
