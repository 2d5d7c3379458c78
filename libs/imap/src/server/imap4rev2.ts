import type { ImapSession } from './imap-session';

/**
 * IMAP4rev2 (RFC 9051). Both revisions are advertised, so a session is IMAP4rev1 until the
 * client sends ENABLE IMAP4rev2 (Appendix A). From then on:
 * - no \Recent: SELECT claims nothing, no RECENT responses or [UNSEEN] codes (Appendix E 11, 12);
 * - SEARCH answers with ESEARCH, a plain SEARCH being RETURN (ALL) (section 6.4.4, Appendix E 4);
 * - SELECT/EXAMINE also send the mailbox's LIST response, and [CLOSED] when they close one (6.3.2);
 * - mailbox names travel as UTF-8, never modified UTF-7 (section 5.1).
 * What RFC 9051 left out of its grammar but is harmless to keep (CHECK, LSUB, FETCH RFC822*,
 * the RECENT/NEW/OLD search keys, which now match as if nothing were recent) is still accepted:
 * a client that enabled rev2 and still sends them is better served than refused.
 */
export const IMAP4REV2 = 'IMAP4rev2';

export function rev2Enabled(session: ImapSession): boolean {
  return session.enabled.has(IMAP4REV2);
}

/** Mailbox names as UTF-8 (RFC 6855 3 after ENABLE UTF8=ACCEPT; RFC 9051 5.1 after ENABLE IMAP4rev2). */
export function utf8Names(session: ImapSession): boolean {
  return session.enabled.has('UTF8=ACCEPT') || rev2Enabled(session);
}
