import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * The password policy for every account password, wherever it is set (web settings, admin
 * console and API, CLI, the first admin from MAILSTEAD_ADMIN_PASSWORD). As NIST SP 800-63B
 * 5.1.1.2 asks: a length in characters (Unicode code points, so "pässwörd" is 8), at least 8,
 * a generous maximum, spaces and any Unicode allowed, no composition rules. Control characters
 * are refused: a NUL cannot travel in SASL PLAIN (RFC 4616 2 uses it as the separator), and CR
 * or LF cannot be sent in an IMAP quoted string or a POP3 PASS line, so such a password could
 * never be used from a mail client.
 */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (/[\x00-\x1f\x7f]/.test(password)) return 'password must not contain control characters (tabs, line breaks, NUL)';
  return undefined;
}

/** A new password in a request body: the policy above, its message as the field's error. */
export const newPassword = z.string().refine((p) => passwordProblem(p) === undefined, { error: (issue) => passwordProblem(String(issue.input)) });
