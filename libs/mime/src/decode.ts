import { asBuffer, CR, isWsp, LF } from './bytes';
import type { BodyPart } from './types';

/** base64 alphabet test by byte */
function isB64(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
}

/**
 * Lenient base64 (RFC 2045 6.8): characters outside the alphabet are ignored. Padding ends a
 * run, so separately encoded chunks glued together (seen in the wild) still decode; a
 * dangling sextet is dropped.
 */
export function decodeBase64(data: Buffer): Buffer {
  if (paddingOnlyAtEnd(data)) return Buffer.from(data.toString('latin1'), 'base64');
  const clean = Buffer.allocUnsafe(data.length);
  const out: Buffer[] = [];
  let n = 0;
  const flush = (): void => {
    const usable = n % 4 === 1 ? n - 1 : n;
    if (usable > 0) out.push(Buffer.from(clean.toString('latin1', 0, usable), 'base64'));
    n = 0;
  };
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (isB64(c)) clean[n++] = c;
    else if (c === 0x3d) flush();
  }
  flush();
  return out.length === 1 ? out[0]! : Buffer.concat(out);
}

/** Node's decoder skips what is not base64 but stops at the first padding. */
function paddingOnlyAtEnd(data: Buffer): boolean {
  const eq = data.indexOf(0x3d);
  if (eq < 0) return true;
  for (let i = eq; i < data.length; i++) {
    const c = data[i]!;
    if (c !== 0x3d && c !== CR && c !== LF && !isWsp(c)) return false;
  }
  return true;
}

function hex(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Quoted-printable (RFC 2045 6.7): `=XX` octets, `=` before a line break is a soft break,
 * whitespace at the end of a line is transport padding and dropped. A malformed `=` stays.
 */
export function decodeQuotedPrintable(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  let o = 0;
  let i = 0;
  const len = data.length;
  while (i < len) {
    const c = data[i]!;
    if (c === 0x3d) {
      const h = hex(data[i + 1]);
      const l = hex(data[i + 2]);
      if (h >= 0 && l >= 0) {
        out[o++] = (h << 4) | l;
        i += 3;
        continue;
      }
      let j = i + 1;
      while (j < len && isWsp(data[j])) j++;
      if (j >= len) break;
      if (data[j] === LF) {
        i = j + 1;
        continue;
      }
      if (data[j] === CR && data[j + 1] === LF) {
        i = j + 2;
        continue;
      }
      out[o++] = c;
      i++;
    } else if (isWsp(c)) {
      let j = i;
      while (j < len && isWsp(data[j])) j++;
      const trailing = j >= len || data[j] === LF || (data[j] === CR && data[j + 1] === LF);
      if (!trailing) for (let k = i; k < j; k++) out[o++] = data[k]!;
      i = j;
    } else {
      out[o++] = c;
      i++;
    }
  }
  return out.subarray(0, o);
}

/** Undoes a Content-Transfer-Encoding; identity and unknown encodings give the bytes as they are. */
export function decodeTransfer(data: Buffer, encoding: string): Buffer {
  try {
    switch (encoding.toLowerCase()) {
      case 'base64':
        return decodeBase64(data);
      case 'quoted-printable':
        return decodeQuotedPrintable(data);
      default:
        return data;
    }
  } catch {
    return data;
  }
}

/**
 * The decoded body of a part (BINARY[] of RFC 3516, attachment downloads). May share memory
 * with `raw` for identity encodings. Never throws; a part outside `raw` gives what overlaps.
 */
export function decodePartBody(raw: Buffer, part: Pick<BodyPart, 'bodyStart' | 'bodyEnd' | 'encoding'>): Buffer {
  const buf = asBuffer(raw);
  const start = Math.max(0, Math.min(part.bodyStart, buf.length));
  const end = Math.max(start, Math.min(part.bodyEnd, buf.length));
  return decodeTransfer(buf.subarray(start, end), part.encoding ?? '7bit');
}

function countByte(buf: Buffer, byte: number): number {
  let n = 0;
  for (let i = buf.indexOf(byte); i !== -1; i = buf.indexOf(byte, i + 1)) n++;
  return n;
}

/**
 * Decoded size without decoding base64: the alphabet characters are the bytes that are not
 * line breaks, blanks or padding (exact for well-formed input, counted natively so a large
 * attachment costs milliseconds).
 */
export function decodedSize(raw: Buffer, part: Pick<BodyPart, 'bodyStart' | 'bodyEnd' | 'encoding'>): number {
  const start = Math.max(0, Math.min(part.bodyStart, raw.length));
  const body = raw.subarray(start, Math.max(start, Math.min(part.bodyEnd, raw.length)));
  if (part.encoding === 'base64') {
    let alphabet = body.length;
    for (const c of [CR, LF, 0x20, 0x09, 0x3d]) alphabet -= countByte(body, c);
    return Math.floor((alphabet * 3) / 4);
  }
  if (part.encoding === 'quoted-printable') return decodeQuotedPrintable(body).length;
  return body.length;
}
