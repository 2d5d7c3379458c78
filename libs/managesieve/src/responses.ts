import { MAX_QUOTED_LENGTH } from './command-reader';

/** Response codes (RFC 5804 1.3); `TAG` and `SASL` carry a string. */
export type ResponseCode =
  | 'AUTH-TOO-WEAK'
  | 'ENCRYPT-NEEDED'
  | 'QUOTA'
  | 'QUOTA/MAXSCRIPTS'
  | 'QUOTA/MAXSIZE'
  | 'TRANSITION-NEEDED'
  | 'TRYLATER'
  | 'ACTIVE'
  | 'NONEXISTENT'
  | 'ALREADYEXISTS'
  | 'WARNINGS'
  | { name: 'TAG' | 'SASL'; value: string };

/**
 * A string as the server sends it (RFC 5804 4): quoted when it may be (at most 1024 octets, no
 * CR, LF or NUL), else a literal `{n}` CRLF octets.
 */
export function encodeString(value: string | Buffer): string | Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (bytes.length <= MAX_QUOTED_LENGTH && !bytes.includes(0x0d) && !bytes.includes(0x0a) && !bytes.includes(0)) {
    return `"${bytes.toString('utf8').replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`), bytes]);
}

/** `OK`, `NO` or `BYE`, with an optional code and human-readable text, ending in CRLF (RFC 5804 4 response-oknobye). */
export function statusResponse(status: 'OK' | 'NO' | 'BYE', code?: ResponseCode, text?: string): Buffer {
  const parts: (string | Buffer)[] = [status];
  if (typeof code === 'string') parts.push(` (${code})`);
  else if (code) parts.push(` (${code.name} `, encodeString(code.value), ')');
  if (text !== undefined) parts.push(' ', encodeString(text));
  parts.push('\r\n');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

/** A response line of strings and atoms (capabilities, LISTSCRIPTS), ending in CRLF. */
export function dataLine(...items: (string | { atom: string })[]): Buffer {
  const parts = items.map((item, i) => {
    const piece = typeof item === 'string' ? encodeString(item) : item.atom;
    return Buffer.concat([Buffer.from(i === 0 ? '' : ' '), typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece]);
  });
  return Buffer.concat([...parts, Buffer.from('\r\n')]);
}
