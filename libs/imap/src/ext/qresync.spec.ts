import { describe, expect, it } from 'vitest';
import { formatVanished, rangesAbove, seqMatchFloor } from './qresync';

describe('VANISHED (RFC 7162 section 3.2.10)', () => {
  it('formats EARLIER and live forms from UIDs or ranges', () => {
    expect(formatVanished([41, 43, 44, 45], true)).toBe('* VANISHED (EARLIER) 41,43:45');
    expect(formatVanished([{ from: 300, to: 310 }, { from: 405, to: 405 }, { from: 411, to: 411 }], true)).toBe('* VANISHED (EARLIER) 300:310,405,411');
    expect(formatVanished([{ from: 5, to: 5 }, { from: 4, to: 4 }], false)).toBe('* VANISHED 4:5');
    expect(formatVanished([], true)).toBeNull();
  });
});

describe('seq-match-data (RFC 7162 section 3.2.5.2)', () => {
  // Client's last view: seq 1..5 = UIDs 10, 20, 30, 40, 50.
  it('returns the highest UID whose sequence number still matches', () => {
    // Nothing expunged: every pair matches.
    expect(seqMatchFloor([1, 3, 5], [10, 30, 50], [10, 20, 30, 40, 50, 60])).toBe(50);
    // UID 40 expunged: 1 and 3 still match, 5 now holds 60.
    expect(seqMatchFloor([1, 3, 5], [10, 30, 50], [10, 20, 30, 50, 60])).toBe(30);
    // UID 10 expunged: no pair matches, report everything.
    expect(seqMatchFloor([1, 3, 5], [10, 30, 50], [20, 30, 40, 50])).toBe(0);
  });

  it('gives 0 for malformed client data', () => {
    expect(seqMatchFloor([1, 2], [10], [10, 20])).toBe(0);
    expect(seqMatchFloor([2, 1], [20, 10], [10, 20])).toBe(0);
    expect(seqMatchFloor([], [], [10])).toBe(0);
  });

  it('trims VANISHED to UIDs above the floor', () => {
    expect(rangesAbove([{ from: 1, to: 10 }, { from: 20, to: 25 }], 22)).toEqual([{ from: 23, to: 25 }]);
    expect(rangesAbove([{ from: 1, to: 10 }], 0)).toEqual([{ from: 1, to: 10 }]);
    expect(rangesAbove([{ from: 1, to: 10 }], 10)).toEqual([]);
  });
});
