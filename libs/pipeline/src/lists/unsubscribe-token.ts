import { createHmac, timingSafeEqual } from 'node:crypto';
import { addressKey } from '@mailstead/store';

/**
 * Tokens of RFC 8058 one-click unsubscribe links. The link is the only thing the POST carries
 * (no session, no cookie), so the token itself is the authority: it names the list and the
 * member and is signed with the server secret, HMAC-SHA256 over both, truncated to 128 bits.
 * Form: `<list id>.<member, base64url>.<mac, base64url>` (URL-safe, no escaping needed).
 */
export interface UnsubscribeClaim {
  listId: number;
  /** the member's address as the list knows it (lower-cased key) */
  member: string;
}

const PURPOSE = 'mailstead list-unsubscribe v1';

function mac(secret: Buffer, listId: number, member: string): Buffer {
  return createHmac('sha256', secret).update(`${PURPOSE}\0${listId}\0${member}`).digest().subarray(0, 16);
}

export function unsubscribeToken(secret: Buffer, claim: UnsubscribeClaim): string {
  const member = addressKey(claim.member);
  return `${claim.listId}.${Buffer.from(member, 'utf8').toString('base64url')}.${mac(secret, claim.listId, member).toString('base64url')}`;
}

/** The claim of a genuine token, or null for anything malformed, tampered or signed with another secret. */
export function verifyUnsubscribeToken(secret: Buffer, token: string): UnsubscribeClaim | null {
  const m = /^([1-9]\d{0,9})\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return null;
  const listId = Number(m[1]);
  const member = Buffer.from(m[2]!, 'base64url').toString('utf8');
  // base64url decoding is lenient; the re-encoded form must be the one that was signed
  if (Buffer.from(member, 'utf8').toString('base64url') !== m[2] || member !== addressKey(member) || !member.includes('@')) return null;
  const given = Buffer.from(m[3]!, 'base64url');
  // the last of 22 characters carries 2 bits: only the canonical spelling is accepted
  if (given.toString('base64url') !== m[3]) return null;
  const expected = mac(secret, listId, member);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { listId, member } : null;
}

/** The member's one-click link under the public URL (also the human page, on GET). */
export function unsubscribeUrl(publicUrl: string, secret: Buffer, claim: UnsubscribeClaim): string {
  return `${publicUrl}/api/lists/unsubscribe/${unsubscribeToken(secret, claim)}`;
}
