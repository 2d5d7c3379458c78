import { bytesToString, CR, isWsp, LF } from './bytes';
import { LIMITS } from './limits';
import type { HeaderField } from './types';

/**
 * Where a header block ends. `headerEnd` is the end of the last field line (the blank line
 * starts there), `bodyStart` is just after the blank line. Without a blank line the whole
 * range is header; when the first line is not a header field at all (no "name:"), the
 * entity has no header and everything is body, which keeps headerless input readable.
 */
export interface HeaderBlock {
  headerEnd: number;
  bodyStart: number;
}

export function splitHeader(raw: Buffer, start: number, end: number): HeaderBlock {
  if (start >= end) return { headerEnd: start, bodyStart: start };
  if (raw[start] === LF) return { headerEnd: start, bodyStart: start + 1 };
  if (raw[start] === CR && start + 1 < end && raw[start + 1] === LF) return { headerEnd: start, bodyStart: start + 2 };
  if (fieldColon(raw, start, end) < 0) return { headerEnd: start, bodyStart: start };
  const block = raw.subarray(start, end);
  const lflf = block.indexOf('\n\n');
  const lfcrlf = block.indexOf('\n\r\n');
  let i = -1;
  if (lflf >= 0 && (lfcrlf < 0 || lflf < lfcrlf)) i = lflf;
  else if (lfcrlf >= 0) i = lfcrlf;
  if (i < 0) return { headerEnd: end, bodyStart: end };
  const headerEnd = start + i + 1;
  return { headerEnd, bodyStart: headerEnd + (i === lflf ? 1 : 2) };
}

/**
 * RFC 5322 2.2 field name (printable ASCII but ':'), optional WSP (obsolete syntax, RFC 5322
 * 4.5), then ':'. Returns the offset of the colon, or -1 when the line at `i` is no field.
 */
function fieldColon(raw: Buffer, i: number, end: number): number {
  let j = i;
  while (j < end && raw[j]! > 0x20 && raw[j]! < 0x7f && raw[j] !== 0x3a) j++;
  if (j === i) return -1;
  let k = j;
  while (k < end && isWsp(raw[k])) k++;
  return k < end && raw[k] === 0x3a ? k : -1;
}

/** One header field: bytes [start, end) including continuation lines and line endings. */
export interface RawField {
  key: string;
  start: number;
  end: number;
  valueStart: number;
}

/**
 * Visits the fields of the header block in [start, end) in order, stopping at a blank line.
 * Lines that are neither a field nor a continuation are skipped with their continuations.
 * `visit` returns false to stop early.
 */
export function forEachField(raw: Buffer, start: number, end: number, visit: (f: RawField) => boolean | void): void {
  const block = raw.subarray(start, end);
  let current: RawField | null = null;
  let i = 0;
  while (i < block.length) {
    const lf = block.indexOf(LF, i);
    const lineEnd = lf < 0 ? block.length : lf + 1;
    const first = block[i];
    if (first === LF || (first === CR && block[i + 1] === LF)) break;
    if (isWsp(first)) {
      if (current) current.end = start + lineEnd;
    } else {
      if (current && visit(current) === false) return;
      const colon = fieldColon(raw, start + i, start + lineEnd);
      if (colon < 0) current = null;
      else {
        let nameEnd = start + i;
        while (raw[nameEnd] !== 0x3a && !isWsp(raw[nameEnd])) nameEnd++;
        current = { key: raw.toString('latin1', start + i, nameEnd).toLowerCase(), start: start + i, end: start + lineEnd, valueStart: colon + 1 };
      }
    }
    i = lineEnd;
  }
  if (current) visit(current);
}

/** The field value unfolded (RFC 5322 2.2.3: line breaks removed, WSP kept), trimmed, not decoded. */
export function fieldValue(raw: Buffer, f: RawField): string {
  const end = Math.min(f.end, f.valueStart + LIMITS.maxDecodedValue);
  const out = Buffer.allocUnsafe(end - f.valueStart);
  let o = 0;
  for (let i = f.valueStart; i < end; i++) {
    const c = raw[i]!;
    if (c !== CR && c !== LF) out[o++] = c;
  }
  let s = 0;
  while (s < o && isWsp(out[s])) s++;
  while (o > s && isWsp(out[o - 1])) o--;
  return bytesToString(out.subarray(s, o));
}

/** Fields of a header block with their values; at most LIMITS.maxFields. */
export function readFields(raw: Buffer, start: number, end: number): (HeaderField & { field: RawField })[] {
  const out: (HeaderField & { field: RawField })[] = [];
  forEachField(raw, start, end, (field) => {
    out.push({ key: field.key, value: fieldValue(raw, field), field });
    return out.length < LIMITS.maxFields;
  });
  return out;
}

/** First value of a field by lowercased name. */
export function firstValue(fields: readonly HeaderField[], key: string): string | null {
  for (const f of fields) if (f.key === key) return f.value;
  return null;
}
