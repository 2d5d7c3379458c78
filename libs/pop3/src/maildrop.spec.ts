import { describe, expect, it } from 'vitest';
import { Maildrop } from './maildrop';

describe('Maildrop', () => {
  const drop = () => new Maildrop(7, 0x5f5e1000, [{ uid: 3, size: 100 }, { uid: 9, size: 50 }, { uid: 10, size: 7 }]);

  it('numbers messages from 1 in UID order and resolves message numbers strictly', () => {
    const m = drop();
    expect(m.lookup('2')).toMatchObject({ ok: true, entry: { number: 2, uid: 9, size: 50 } });
    expect(m.lookup('0')).toEqual({ ok: false, reason: 'no-such' });
    expect(m.lookup('4')).toEqual({ ok: false, reason: 'no-such' });
    for (const bad of ['', 'x', '-1', '+1', '1.0', '12345678901']) expect(m.lookup(bad)).toEqual({ ok: false, reason: 'syntax' });
  });

  it('leaves marked messages out of STAT and the listing, refuses them, and RSET brings them back', () => {
    const m = drop();
    m.entries[1]!.deleted = true;
    expect(m.stat()).toEqual({ count: 2, octets: 107 });
    expect(m.visible().map((e) => e.number)).toEqual([1, 3]);
    expect(m.lookup('2')).toEqual({ ok: false, reason: 'deleted' });
    expect(m.deletedUids()).toEqual([9]);
    m.reset();
    expect(m.stat()).toEqual({ count: 3, octets: 157 });
    expect(m.deletedUids()).toEqual([]);
  });

  it('derives unique ids from UID and UIDVALIDITY (Dovecot %08Xu%08Xv)', () => {
    const m = drop();
    expect(m.uniqueId(m.entries[0]!)).toBe('000000035F5E1000');
    expect(new Maildrop(7, 1, [{ uid: 3, size: 1 }]).uniqueId({ number: 1, uid: 3, size: 1, deleted: false })).toBe('0000000300000001');
  });
});
