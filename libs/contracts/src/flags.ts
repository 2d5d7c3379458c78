import { z } from 'zod';

/** The system flags a client may set (RFC 9051 2.3.2); \Recent is the server's alone (RFC 3501 2.3.2). */
export const SETTABLE_SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

/**
 * RFC 9051 9 / RFC 3501 9: flag-keyword = atom = 1*ATOM-CHAR, ATOM-CHAR = any 7-bit CHAR except
 * atom-specials: ( ) { SP CTL % * " \ ]. Also no "[": IMAP parsers (ours included) read "[" in
 * an atom as the start of a section (BODY[...]), so such a keyword could be listed but never
 * stored or removed over IMAP. The one rule for IMAP STORE/APPEND, the FLAGS IMAP lists, and
 * what the webmail API lets set.
 */
const KEYWORD_ATOM = /^[\x21-\x7e]+$/;
const ATOM_SPECIALS = /[(){%*"\\[\]]/;

export function isFlagKeyword(value: string): boolean {
  return KEYWORD_ATOM.test(value) && !ATOM_SPECIALS.test(value);
}

/** Why a flag a client sent cannot be set: undefined for a settable system flag or a keyword. */
export function flagProblem(flag: string): string | undefined {
  if (flag.startsWith('\\')) {
    return SETTABLE_SYSTEM_FLAGS.some((f) => f.toLowerCase() === flag.toLowerCase()) ? undefined : `"${flag}" is not a system flag a client may set`;
  }
  if (isFlagKeyword(flag)) return undefined;
  if (/[^\x00-\x7f]/.test(flag)) return `"${flag}" is not a keyword: IMAP keywords are ASCII only`;
  return `"${flag}" is not a keyword: no spaces, control characters or ( ) { % * " \\ [ ]`;
}

/** A system flag or keyword in a request body (POST /api/messages/flags). */
export const flagName = z
  .string()
  .min(1)
  .max(100)
  .refine((flag) => flagProblem(flag) === undefined, { error: (issue) => flagProblem(String(issue.input)) });
