import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSrsLocalPart, srsForward, srsMaxAgeDays, srsReverse } from './srs';

const key = { secret: Buffer.from('test-secret') };
const DAY = 86_400_000;
// 2026-12-04 is day 20791 since the epoch: 20791 % 1024 = 311 = 9 * 32 + 23 -> "J", "X"
const now = new Date('2026-12-04T12:00:00Z');
const reverseKey = { ...key, maxAgeDays: 21 };

/** The hash as libsrs2 makes it, written out here with node:crypto alone. */
const hash = (...fields: string[]) => createHmac('sha1', 'test-secret').update(fields.join('').toLowerCase()).digest('base64').slice(0, 4);

describe('SRS (libsrs2 / postsrsd guarded scheme)', () => {
  it('writes SRS0=HHHH=TT=domain=local with HMAC-SHA1 base64 truncated to 4 and a base32 day stamp', () => {
    // the vector, also computed with Python's hmac module: SRS0=e2Nz=JX=orig.example=alice@fwd.example
    expect(hash('JX', 'orig.example', 'alice')).toBe('e2Nz');
    expect(srsForward('alice@orig.example', 'fwd.example', key, now)).toBe('SRS0=e2Nz=JX=orig.example=alice@fwd.example');
    // the hash covers the lower-cased fields, so the case of the sender does not change it
    expect(srsForward('Alice@Orig.Example', 'fwd.example', key, now)).toBe(`SRS0=${hash('JX', 'Orig.Example', 'Alice')}=JX=Orig.Example=Alice@fwd.example`);
    expect(hash('JX', 'Orig.Example', 'Alice')).toBe('e2Nz');
  });

  it('keeps the null sender and a sender already in the SRS domain', () => {
    expect(srsForward('', 'fwd.example', key, now)).toBe('');
    expect(srsForward('bob@FWD.example', 'fwd.example', key, now)).toBe('bob@FWD.example');
  });

  it('reverses its own SRS0 address, whatever the case of the hash', () => {
    expect(srsReverse('SRS0=e2Nz=JX=orig.example=alice@fwd.example', reverseKey, now)).toEqual({ ok: true, address: 'alice@orig.example', scheme: 'SRS0' });
    expect(srsReverse('srs0=E2NZ=jx=orig.example=alice@fwd.example', reverseKey, now)).toEqual({ ok: true, address: 'alice@orig.example', scheme: 'SRS0' });
    // a local part with "=" in it survives the round trip
    const odd = srsForward('a=b=c@orig.example', 'fwd.example', key, now);
    expect(srsReverse(odd, reverseKey, now)).toEqual({ ok: true, address: 'a=b=c@orig.example', scheme: 'SRS0' });
  });

  it('refuses a forged hash, another secret, a changed original address', () => {
    expect(srsReverse('SRS0=AAAA=JX=orig.example=alice@fwd.example', reverseKey, now)).toEqual({ ok: false, reason: 'forged' });
    expect(srsReverse('SRS0=e2Nz=JX=orig.example=mallory@fwd.example', reverseKey, now)).toEqual({ ok: false, reason: 'forged' });
    expect(srsReverse('SRS0=e2Nz=JX=orig.example=alice@fwd.example', { secret: Buffer.from('other'), maxAgeDays: 21 }, now)).toEqual({ ok: false, reason: 'forged' });
    expect(srsReverse('SRS0=e2Nz=JX@fwd.example', reverseKey, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(srsReverse('alice@fwd.example', reverseKey, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('takes an address for maxAgeDays after its day and refuses it after, across the 1024-day wrap', () => {
    const made = srsForward('alice@orig.example', 'fwd.example', key, now);
    expect(srsReverse(made, reverseKey, new Date(now.getTime() + 21 * DAY)).ok).toBe(true);
    expect(srsReverse(made, reverseKey, new Date(now.getTime() + 22 * DAY))).toEqual({ ok: false, reason: 'expired' });
    // an address made on day 1020 of the cycle (31 * 32 + 28: "7", "4") is 10 days old on day 6 of the next one
    const late = new Date((Math.floor(now.getTime() / DAY / 1024) * 1024 + 1020) * DAY);
    const early = new Date(late.getTime() + 10 * DAY);
    const wrapped = srsForward('alice@orig.example', 'fwd.example', key, late);
    expect(wrapped).toMatch(/^SRS0=[^=]{4}=74=/);
    expect(srsReverse(wrapped, reverseKey, early).ok).toBe(true);
    expect(srsReverse(wrapped, { ...reverseKey, maxAgeDays: 9 }, early)).toEqual({ ok: false, reason: 'expired' });
    // a stamp that is not base32 is not ours
    const bad = `SRS0=${hash('J1', 'orig.example', 'alice')}=J1=orig.example=alice@fwd.example`;
    expect(srsReverse(bad, reverseKey, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('re-forwards an SRS0 address of another forwarder as SRS1, and reverses SRS1 to that SRS0', () => {
    const srs0 = 'SRS0=e2Nz=JX=orig.example=alice@fwd.example';
    const srs1 = srsForward(srs0, 'relay.example', key, now);
    // SRS1=HHHH=first-forwarder==rest: the hash covers the first forwarder and the rest, SRS0's separator included
    expect(hash('fwd.example', '=e2Nz=JX=orig.example=alice')).toBe('l7EG');
    expect(srs1).toBe('SRS1=l7EG=fwd.example==e2Nz=JX=orig.example=alice@relay.example');
    expect(srsReverse(srs1, reverseKey, now)).toEqual({ ok: true, address: srs0, scheme: 'SRS1' });
    // forwarding an SRS1 again keeps the first forwarder and re-signs for the new domain
    const again = srsForward(srs1, 'third.example', key, now);
    expect(again).toBe(`SRS1=${hash('fwd.example', '=e2Nz=JX=orig.example=alice')}=fwd.example==e2Nz=JX=orig.example=alice@third.example`);
    expect(srsReverse('SRS1=AAAA=fwd.example==e2Nz=JX=orig.example=alice@relay.example', reverseKey, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('recognises SRS local parts and bounds the max age to the stamp range', () => {
    expect(isSrsLocalPart('SRS0=x')).toBe(true);
    expect(isSrsLocalPart('srs1+x')).toBe(true);
    expect(isSrsLocalPart('srs2=x')).toBe(false);
    expect(isSrsLocalPart('srs0x')).toBe(false);
    expect(srsMaxAgeDays(21 * DAY)).toBe(21);
    expect(srsMaxAgeDays(36 * 3_600_000)).toBe(2);
    expect(srsMaxAgeDays(5000 * DAY)).toBe(1023);
  });
});
