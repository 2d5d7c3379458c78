import { describe, expect, it } from 'vitest';
import { displayName, parseSortCriteria, SortCriteriaError, sortMessages, type SortableMessage } from './sort';

const at = (iso: string) => new Date(iso);
function msg(partial: Partial<SortableMessage> & { uid: number }): SortableMessage {
  return {
    seq: partial.uid,
    internalDate: at('2026-01-01T00:00:00Z'),
    sentDate: null,
    size: 100,
    subject: '',
    from: null,
    to: null,
    cc: null,
    ...partial,
  };
}
const addr = (mailbox: string | null, name: string | null = null, host: string | null = 'example.org') => ({ mailbox, name, host });
const uids = (messages: SortableMessage[], words: string[]) => sortMessages(messages, parseSortCriteria(words)).map((m) => m.uid);

describe('SORT criteria parsing (RFC 5256 section 3, RFC 5957)', () => {
  it('parses keys with REVERSE applying to the next one only', () => {
    expect(parseSortCriteria(['reverse', 'DATE', 'subject'])).toEqual([
      { key: 'DATE', reverse: true },
      { key: 'SUBJECT', reverse: false },
    ]);
    expect(parseSortCriteria(['DISPLAYFROM', 'REVERSE', 'displayto'])).toEqual([
      { key: 'DISPLAYFROM', reverse: false },
      { key: 'DISPLAYTO', reverse: true },
    ]);
  });

  it.each([[[]], [['REVERSE']], [['DATE', 'REVERSE']], [['REVERSE', 'REVERSE', 'DATE']], [['MODSEQ']], [['']]])('rejects %j', (words) => {
    expect(() => parseSortCriteria(words)).toThrow(SortCriteriaError);
  });
});

describe('sortMessages', () => {
  it('ARRIVAL orders by internal date, ties by sequence number', () => {
    const m = [
      msg({ uid: 1, internalDate: at('2026-03-01T00:00:00Z') }),
      msg({ uid: 2, internalDate: at('2026-01-01T00:00:00Z') }),
      msg({ uid: 3, internalDate: at('2026-03-01T00:00:00Z') }),
    ];
    expect(uids(m, ['ARRIVAL'])).toEqual([2, 1, 3]);
    // REVERSE flips the key but not the sequence-number tie-break (RFC 5256 section 3).
    expect(uids(m, ['REVERSE', 'ARRIVAL'])).toEqual([1, 3, 2]);
  });

  it('DATE uses the Date header in UTC, falling back to the internal date', () => {
    const m = [
      msg({ uid: 1, sentDate: at('2026-02-01T10:00:00+05:00'), internalDate: at('2026-09-01T00:00:00Z') }), // 05:00Z
      msg({ uid: 2, sentDate: null, internalDate: at('2026-02-01T06:00:00Z') }),
      msg({ uid: 3, sentDate: new Date(Number.NaN), internalDate: at('2026-02-01T04:00:00Z') }),
      msg({ uid: 4, sentDate: at('2026-02-01T07:00:00Z'), internalDate: at('2020-01-01T00:00:00Z') }),
    ];
    expect(uids(m, ['DATE'])).toEqual([3, 1, 2, 4]);
  });

  it('SIZE, and multiple keys', () => {
    const m = [msg({ uid: 1, size: 300 }), msg({ uid: 2, size: 100 }), msg({ uid: 3, size: 300, subject: 'a' }), msg({ uid: 4, size: 300, subject: 'B' })];
    expect(uids(m, ['SIZE'])).toEqual([2, 1, 3, 4]);
    expect(uids(m, ['REVERSE', 'SIZE', 'REVERSE', 'SUBJECT'])).toEqual([4, 3, 1, 2]);
  });

  it('SUBJECT sorts by base subject, i;ascii-casemap', () => {
    const m = [
      msg({ uid: 1, subject: 'Re: beta' }),
      msg({ uid: 2, subject: 'ALPHA' }),
      msg({ uid: 3, subject: '[list] Fwd: alpha' }),
      msg({ uid: 4, subject: '' }),
      msg({ uid: 5, subject: '=?UTF-8?Q?=C3=A9t=C3=A9?=' }),
      msg({ uid: 6, subject: 'zeta' }),
    ];
    // "" < "ALPHA" = "alpha" (tie -> seq) < "beta" < "zeta" < "été" (0xC3 > ASCII)
    expect(uids(m, ['SUBJECT'])).toEqual([4, 2, 3, 1, 6, 5]);
  });

  it('FROM, TO and CC use the first address local part, missing = empty', () => {
    const m = [
      msg({ uid: 1, from: addr('zed', 'Aaron'), to: addr('bob'), cc: null }),
      msg({ uid: 2, from: addr('Amy', 'Zoe'), to: null, cc: addr('carl') }),
      msg({ uid: 3, from: null, to: addr('ALICE'), cc: addr('Bea') }),
    ];
    expect(uids(m, ['FROM'])).toEqual([3, 2, 1]);
    expect(uids(m, ['TO'])).toEqual([2, 3, 1]);
    expect(uids(m, ['CC'])).toEqual([1, 3, 2]);
  });

  it('DISPLAYFROM / DISPLAYTO use the decoded display name, else the address (RFC 5957 section 2)', () => {
    const m = [
      msg({ uid: 1, from: addr('zed', 'Aaron') }),
      msg({ uid: 2, from: addr('amy', '=?UTF-8?Q?Zo=C3=AB?=') }),
      msg({ uid: 3, from: addr('bob', '') }),
      msg({ uid: 4, from: null }),
    ];
    expect(displayName(m[1]!.from)).toBe('Zoë');
    expect(displayName(m[2]!.from)).toBe('bob@example.org');
    expect(uids(m, ['DISPLAYFROM'])).toEqual([4, 1, 3, 2]);
    const t = [msg({ uid: 1, to: addr('x', 'Yves') }), msg({ uid: 2, to: addr('a', null) })];
    expect(uids(t, ['DISPLAYTO'])).toEqual([2, 1]);
  });

  it('does not mutate the input and sorts by sequence number when all keys tie', () => {
    const m = [msg({ uid: 10, seq: 3 }), msg({ uid: 20, seq: 1 }), msg({ uid: 30, seq: 2 })];
    const copy = [...m];
    expect(uids(m, ['SIZE'])).toEqual([20, 30, 10]);
    expect(m).toEqual(copy);
  });
});
