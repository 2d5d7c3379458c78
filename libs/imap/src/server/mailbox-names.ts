import { SyntaxError } from '../protocol/command-reader';
import type { ArgReader } from '../protocol/arguments';
import { decodeMailboxName } from '../protocol/utf7';

export const DELIMITER = '/';

/** INBOX in any case is INBOX (RFC 3501 5.1); other names keep their case. */
export function normalizeName(name: string): string {
  const parts = name.split(DELIMITER);
  if (parts[0]!.toUpperCase() === 'INBOX') parts[0] = 'INBOX';
  return parts.join(DELIMITER);
}

/** A mailbox argument: modified UTF-7 decoded (RFC 3501 5.1.3), INBOX normalised. */
export function mailboxArg(args: ArgReader): string {
  const raw = args.string('mailbox name');
  // RFC 6855 3: after ENABLE UTF8=ACCEPT names come as UTF-8; one with non-ASCII characters
  // cannot be modified UTF-7, so it is taken as UTF-8 (controls are still refused).
  const decoded = decodeMailboxName(raw) ?? (/[^\x00-\x7f]/.test(raw) && !/[\x00-\x1f\x7f]/.test(raw) ? raw : null);
  if (decoded === null) throw new SyntaxError('Mailbox name is not valid modified UTF-7');
  return normalizeName(decoded);
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
