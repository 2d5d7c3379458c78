import { SyntaxError } from '../protocol/command-reader';
import type { ArgReader } from '../protocol/arguments';
import { decodeMailboxName } from '../protocol/utf7';
import type { ImapSession } from './imap-session';
import { utf8Names } from './imap4rev2';

export const DELIMITER = '/';

/** INBOX in any case is INBOX (RFC 3501 5.1); other names keep their case, in Unicode NFC. */
export function normalizeName(name: string): string {
  // NFC like the store (RFC 9051 5.1), so a decomposed "é" names the same folder.
  const parts = name.normalize('NFC').split(DELIMITER);
  if (parts[0]!.toUpperCase() === 'INBOX') parts[0] = 'INBOX';
  return parts.join(DELIMITER);
}

/**
 * A mailbox name as the client sent it, decoded. Modified UTF-7 (RFC 3501 5.1.3) for IMAP4rev1
 * clients; once names travel as UTF-8 (RFC 6855 3, RFC 9051 5.1) the name is taken as it is, so
 * "R&D" is R&D and not a broken modified UTF-7 run. Null when it cannot be a name.
 */
export function decodeNameArg(raw: string, utf8: boolean): string | null {
  if (utf8) return /[\x00-\x1f\x7f]/.test(raw) ? null : raw;
  // An IMAP4rev1 client that sends non-ASCII (a Python script, say) means UTF-8: it cannot be modified UTF-7.
  return decodeMailboxName(raw) ?? (/[^\x00-\x7f]/.test(raw) && !/[\x00-\x1f\x7f]/.test(raw) ? raw : null);
}

/** A mailbox argument, decoded for the session (see decodeNameArg), INBOX normalised. */
export function mailboxArg(args: ArgReader, session: ImapSession): string {
  const decoded = decodeNameArg(args.string('mailbox name'), utf8Names(session));
  if (decoded === null) throw new SyntaxError(utf8Names(session) ? 'Mailbox name holds control characters' : 'Mailbox name is not valid modified UTF-7');
  return normalizeName(decoded);
}

/**
 * A name CREATE or RENAME may give a mailbox (trailing delimiters already dropped), or why not:
 * no empty hierarchy levels ("a//b"), none that is "." or ".." (a filesystem-backed client or
 * server would read "INBOX/../x" as a path), and no LIST wildcards "*" or "%" (RFC 3501 5.1 and
 * RFC 9051 5.1: names with them could not be listed one by one). Undefined when the name is fine.
 */
export function newMailboxNameProblem(name: string): string | undefined {
  if (name === '') return 'Invalid mailbox name: empty';
  if (/[*%]/.test(name)) return 'Invalid mailbox name: "*" and "%" are LIST wildcards';
  const levels = name.split(DELIMITER);
  if (levels.some((level) => level === '')) return 'Invalid mailbox name: empty hierarchy level';
  if (levels.some((level) => level === '.' || level === '..')) return 'Invalid mailbox name: "." and ".." are not names';
  return undefined;
}

/**
 * A LIST pattern as a test (RFC 3501 6.3.8): "*" matches anything, "%" anything but the
 * delimiter. INBOX matches case-insensitively.
 */
export function listMatcher(reference: string, pattern: string): (name: string) => boolean {
  let full = pattern;
  if (reference && !pattern.startsWith(DELIMITER)) full = reference.endsWith(DELIMITER) || reference === '' ? reference + pattern : `${reference}${DELIMITER}${pattern}`;
  else if (reference && pattern.startsWith(DELIMITER)) full = pattern.slice(1);
  const source = full
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '%' ? '[^/]*' : c.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const exact = new RegExp(`^${source}$`, 's');
  const inboxish = /^inbox/i.test(full) ? new RegExp(`^${source.replace(/^inbox/i, 'INBOX')}$`, 's') : null;
  return (name: string) => exact.test(name) || (inboxish !== null && (name === 'INBOX' || name.startsWith('INBOX/')) && inboxish.test(name));
}
