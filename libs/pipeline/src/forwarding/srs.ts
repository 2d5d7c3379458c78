import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The Sender Rewriting Scheme as libsrs2 and postsrsd write it (the "guarded" scheme of
 * Shevek's SRS paper and Mail::SRS), so that a forwarded message's envelope sender is in our
 * domain (SPF passes for us) and a bounce to it can be traced back, but only by us:
 *
 *   SRS0=HHHH=TT=orig-domain=orig-local@srs-domain
 *   SRS1=HHHH=first-forwarder==HHHH=TT=orig-domain=orig-local@srs-domain   (re-forwarding an SRS0 address)
 *
 * HHHH: the first 4 characters of the base64 HMAC-SHA1, keyed with the server secret, of the
 * lower-cased fields (SRS0: TT, domain, local; SRS1: first forwarder, the SRS0 rest), compared
 * case-insensitively because some MTAs change the case of local parts (as libsrs2 does).
 * TT: the day number modulo 1024 in two base32 characters (10 bits). An SRS0 address is
 * valid for `maxAgeDays` after the day it was made (libsrs2 and postsrsd default to 21).
 * With the same secret, these are the addresses postsrsd makes.
 */
export const SRS_HASH_LENGTH = 4;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const DAY_MS = 86_400_000;
/** the timestamp's range: two base32 characters */
export const SRS_TICK_SLOTS = 1024;

export interface SrsKey {
  secret: Buffer;
}

export type SrsReversal =
  | { ok: true; address: string; scheme: 'SRS0' | 'SRS1' }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** Whether a local part is SRS-shaped (SRS0 or SRS1 and a separator): such an address is ours to check, not a mailbox. */
export function isSrsLocalPart(local: string): boolean {
  return /^srs[01][=+-]/i.test(local);
}

export function srsHash(secret: Buffer, fields: readonly string[]): string {
  const hmac = createHmac('sha1', secret);
  for (const field of fields) hmac.update(field.toLowerCase(), 'utf8');
  return hmac.digest('base64').slice(0, SRS_HASH_LENGTH);
}

export function srsTimestamp(now: Date): string {
  const day = Math.floor(now.getTime() / DAY_MS) % SRS_TICK_SLOTS;
  return BASE32[(day >> 5) & 31]! + BASE32[day & 31]!;
}

/** Days since the timestamp was made (modulo 1024), or null when it is not two base32 characters. */
function timestampAge(stamp: string, now: Date): number | null {
  if (stamp.length !== 2) return null;
  const hi = BASE32.indexOf(stamp[0]!.toUpperCase());
  const lo = BASE32.indexOf(stamp[1]!.toUpperCase());
  if (hi < 0 || lo < 0) return null;
  const then = (hi << 5) | lo;
  const today = Math.floor(now.getTime() / DAY_MS) % SRS_TICK_SLOTS;
  return (today - then + SRS_TICK_SLOTS) % SRS_TICK_SLOTS;
}

function split(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

/**
 * The SRS address to use as envelope sender when `sender` is forwarded from `srsDomain`.
 * The null sender stays null (a bounce is never rewritten), a sender already in `srsDomain` is
 * kept, an SRS0/SRS1 address of another forwarder becomes SRS1 (libsrs2 srs_forward).
 */
export function srsForward(sender: string, srsDomain: string, key: SrsKey, now: Date): string {
  if (sender === '') return '';
  const parts = split(sender);
  if (!parts) return sender;
  if (parts.domain.toLowerCase() === srsDomain.toLowerCase()) return sender;
  const { local, domain } = parts;
  if (/^srs1[=+-]/i.test(local)) {
    // SRS1=HHHH=host==rest: keep the first forwarder and the SRS0 rest, re-sign them
    const body = local.slice(5);
    const first = body.indexOf('=', body.indexOf('=') + 1);
    const hostStart = body.indexOf('=') + 1;
    if (hostStart > 0 && first > hostStart) {
      const host = body.slice(hostStart, first);
      const rest = body.slice(first + 1);
      return `SRS1=${srsHash(key.secret, [host, rest])}=${host}=${rest}@${srsDomain}`;
    }
  } else if (/^srs0[=+-]/i.test(local)) {
    // the rest keeps the SRS0 separator, hence "==" after the host
    const rest = local.slice(4);
    return `SRS1=${srsHash(key.secret, [domain, rest])}=${domain}=${rest}@${srsDomain}`;
  }
  const stamp = srsTimestamp(now);
  return `SRS0=${srsHash(key.secret, [stamp, domain, local])}=${stamp}=${domain}=${local}@${srsDomain}`;
}

/**
 * Where mail to an SRS address of ours goes: SRS0 back to the original sender, SRS1 to the
 * first forwarder's SRS0 address. Refuses a hash we did not make (forged) and an SRS0 older
 * than `maxAgeDays` (expired); SRS1 carries no timestamp of ours (libsrs2 srs_reverse).
 */
export function srsReverse(address: string, key: SrsKey & { maxAgeDays: number }, now: Date): SrsReversal {
  const parts = split(address);
  if (!parts || !isSrsLocalPart(parts.local)) return { ok: false, reason: 'malformed' };
  const scheme = parts.local.slice(0, 4).toUpperCase() as 'SRS0' | 'SRS1';
  const fields = parts.local.slice(5).split('=');
  if (scheme === 'SRS1') {
    // HHHH = host = (empty, the SRS0 separator) = ...
    const [hash = '', host = '', ...restParts] = fields;
    const rest = restParts.join('=');
    if (!host || restParts.length < 4) return { ok: false, reason: 'malformed' };
    if (!sameHash(hash, srsHash(key.secret, [host, rest]))) return { ok: false, reason: 'forged' };
    return { ok: true, address: `SRS0${rest}@${host}`, scheme };
  }
  // the original local part may itself contain "="
  const [hash = '', stamp = '', domain = '', ...localParts] = fields;
  const local = localParts.join('=');
  if (!domain || !local || !/^[^\s@]+$/.test(domain)) return { ok: false, reason: 'malformed' };
  if (!sameHash(hash, srsHash(key.secret, [stamp, domain, local]))) return { ok: false, reason: 'forged' };
  const age = timestampAge(stamp, now);
  if (age === null) return { ok: false, reason: 'malformed' };
  if (age > key.maxAgeDays) return { ok: false, reason: 'expired' };
  return { ok: true, address: `${local}@${domain}`, scheme };
}

/** Hashes compare case-insensitively (libsrs2 srs_hash_check): local parts may be case-folded on the way. */
function sameHash(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function srsMaxAgeDays(maxAgeMs: number): number {
  return Math.max(1, Math.min(SRS_TICK_SLOTS - 1, Math.ceil(maxAgeMs / DAY_MS)));
}
