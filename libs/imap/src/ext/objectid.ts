/**
 * OBJECTID (RFC 8474): MAILBOXID, EMAILID and THREADID as the `objectid` strings clients see
 * (1-255 of A-Z a-z 0-9 _ -, section 4). Numbers from Postgres get a one-letter prefix so the
 * three kinds can never be confused. Inputs: mailbox.id, message.email_id, message.thread_id
 * (libs/store ImapSortRepository.objectIds), all kept by COPY/MOVE and RENAME.
 */

export const OBJECTID_CAPABILITY = 'OBJECTID';

const PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

/** `M12` for STATUS/SELECT `MAILBOXID (M12)` (sections 4.1, 4.2). */
export function mailboxObjectId(mailboxId: number | bigint): string {
  return `M${mailboxId}`;
}

/** `E345` for FETCH `EMAILID (E345)` (section 5.1). */
export function emailObjectId(emailId: bigint | number): string {
  return `E${emailId}`;
}

/** `T345` for FETCH `THREADID (T345)` (section 5.2); RFC 8474 allows NIL when not threaded, we always have one. */
export function threadObjectId(threadId: bigint | number): string {
  return `T${threadId}`;
}

/** True for a syntactically valid objectid (for SEARCH EMAILID / THREADID arguments, RFC 8474 section 6). */
export function isObjectId(text: string): boolean {
  return PATTERN.test(text);
}

/** Parses our own `E123` / `T123` / `M123` back to the number; null for anything else. */
export function parseObjectId(text: string, kind: 'M' | 'E' | 'T'): bigint | null {
  if (!isObjectId(text) || text[0] !== kind || !/^\d{1,19}$/.test(text.slice(1))) return null;
  const value = BigInt(text.slice(1));
  return value <= 9223372036854775807n ? value : null;
}
