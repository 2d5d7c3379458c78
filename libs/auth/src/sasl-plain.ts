/**
 * Longest SASL PLAIN response accepted, in base64 characters. RFC 4616 2 asks servers to take
 * an authzid, authcid and passwd of at least 255 octets each; the password policy allows 1024
 * characters (up to 4096 UTF-8 octets), so 8 KiB of base64 (6 KiB decoded) holds any login we
 * could accept, and nothing longer is decoded.
 */
export const MAX_SASL_PLAIN_RESPONSE = 8192;

export type SaslPlainResult =
  | { ok: true; authzid: string; authcid: string; password: string }
  | { ok: false; problem: 'cancelled' | 'too long' | 'invalid base64' | 'malformed PLAIN response' };

const BASE64 = /^[A-Za-z0-9+/]*$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Base64 (RFC 4648 4), lenient only where RFC 4648 3.2 lets a decoder be: the "=" padding may be
 * left out. Characters outside the alphabet (spaces and line breaks included) are refused
 * (RFC 4648 3.3), as are padding in the middle, more padding than the last quantum needs, and a
 * length that no encoding produces (one character over a multiple of four).
 */
export function decodeBase64(text: string): Buffer | undefined {
  const data = text.replace(/={1,2}$/, '');
  if (!BASE64.test(data) || data.length % 4 === 1) return undefined;
  if (data.length !== text.length && text.length % 4 !== 0) return undefined;
  return Buffer.from(data, 'base64');
}

/**
 * A SASL PLAIN response as a client sends it over IMAP AUTHENTICATE or POP3 AUTH (RFC 4616 2):
 * base64 of `[authzid] NUL authcid NUL passwd` in UTF-8, exactly two NULs, authcid and passwd
 * not empty. `initial` marks the initial response on the command line (SASL-IR, RFC 4959;
 * RFC 5034 4), where "=" stands for a zero-length response (RFC 9051 6.2.2, RFC 4954 4) — for
 * PLAIN an empty message, so malformed. In a continuation line an empty response is an empty
 * line and "=" is not base64. "*" cancels in either place. The authzid is returned as sent:
 * whether it may differ from the authcid is the caller's rule (see proxiesAnotherUser).
 */
export function decodeSaslPlain(response: string, where: 'initial' | 'continuation'): SaslPlainResult {
  if (response === '*') return { ok: false, problem: 'cancelled' };
  if (response.length > MAX_SASL_PLAIN_RESPONSE) return { ok: false, problem: 'too long' };
  const bytes = where === 'initial' && response === '=' ? Buffer.alloc(0) : decodeBase64(response);
  if (!bytes) return { ok: false, problem: 'invalid base64' };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, problem: 'malformed PLAIN response' };
  }
  const parts = text.split('\0');
  if (parts.length !== 3) return { ok: false, problem: 'malformed PLAIN response' };
  const [authzid, authcid, password] = parts as [string, string, string];
  if (!authcid || !password) return { ok: false, problem: 'malformed PLAIN response' };
  return { ok: true, authzid, authcid, password };
}

/** An authzid naming someone other than the authcid: one account acting as another, which we do not allow. */
export function proxiesAnotherUser(credentials: { authzid: string; authcid: string }): boolean {
  return credentials.authzid !== '' && credentials.authzid.toLowerCase() !== credentials.authcid.toLowerCase();
}
