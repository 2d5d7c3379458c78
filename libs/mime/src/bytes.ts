import { isUtf8 } from 'node:buffer';
import charset from 'libmime/lib/charset.js';

export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const HT = 0x09;

export function isWsp(c: number | undefined): boolean {
  return c === SP || c === HT;
}

/** Accepts any Uint8Array without copying. */
export function asBuffer(raw: Uint8Array): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return Buffer.alloc(0);
}

/** Postgres text and jsonb cannot hold U+0000, and everything we produce ends up there. */
export function stripNul(s: string): string {
  return s.includes('\0') ? s.replaceAll('\0', '') : s;
}

/** s.slice(0, n) that does not leave half a surrogate pair (jsonb rejects lone surrogates). */
export function safeSlice(s: string, n: number): string {
  if (s.length <= n) return s;
  const code = s.charCodeAt(n - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/**
 * Header bytes to text: UTF-8 when the bytes are valid UTF-8 (RFC 6532), otherwise the
 * usual 8-bit suspect, windows-1252 (a superset of latin1 for printable bytes).
 */
export function bytesToString(buf: Buffer): string {
  if (isAscii(buf) || isUtf8(buf)) return stripNul(buf.toString('utf8'));
  return stripNul(charset.decode(buf, 'windows-1252'));
}

export function isAscii(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i]! >= 0x80) return false;
  return true;
}

/** Body text in its declared charset; undeclared or ASCII-declared 8-bit text is sniffed like headers. */
export function decodeCharset(buf: Buffer, declared: string | undefined): string {
  const cs = (declared ?? '').trim().toLowerCase();
  if (cs === '' || cs === 'us-ascii' || cs === 'ascii' || cs === 'unknown-8bit' || cs === 'x-unknown') return bytesToString(buf);
  try {
    return stripNul(charset.decode(buf, cs));
  } catch {
    return bytesToString(buf);
  }
}

/** Number of lines as IMAP counts them: LF-terminated lines plus a trailing partial line. */
export function countLines(raw: Buffer, start: number, end: number): number {
  if (end <= start) return 0;
  const body = raw.subarray(start, end);
  let n = 0;
  for (let i = body.indexOf(LF); i !== -1; i = body.indexOf(LF, i + 1)) n++;
  return body[body.length - 1] === LF ? n : n + 1;
}
