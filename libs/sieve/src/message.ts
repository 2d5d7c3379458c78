import { decodeWords, parseMessage } from '@mailstead/mime';
import type { ParsedMessage } from '@mailstead/mime';

/** One header field of the message as Sieve sees it. */
export interface SieveHeaderField {
  /** the name as written */
  name: string;
  /** unfolded, without the leading whitespace, not decoded */
  value: string;
  /** the field as it appears in the message (folding kept, no final CRLF); absent for fields editheader added */
  raw?: string;
}

/** The message adapter runSieve reads: header fields in order, the parsed MIME structure, size. */
export interface SieveMessage {
  readonly raw: Buffer;
  /** octets (RFC 5228 5.9) */
  readonly size: number;
  readonly headers: readonly SieveHeaderField[];
  /** offset of the body (after the blank line) */
  readonly bodyStart: number;
  readonly parsed: ParsedMessage;
}

const MAX_FIELDS = 2000;

export function sieveMessage(raw: Buffer): SieveMessage {
  const { headers, bodyStart } = splitHeader(raw);
  return { raw, size: raw.length, headers, bodyStart, parsed: parseMessage(raw) };
}

function splitHeader(raw: Buffer): { headers: SieveHeaderField[]; bodyStart: number } {
  // the header ends at the first empty line (CRLF CRLF, or bare LF LF)
  let end = raw.length;
  let bodyStart = raw.length;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 10) continue;
    if (raw[i + 1] === 10) {
      end = i + 1;
      bodyStart = i + 2;
      break;
    }
    if (raw[i + 1] === 13 && raw[i + 2] === 10) {
      end = i + 1;
      bodyStart = i + 3;
      break;
    }
  }
  if (raw[0] === 10 || (raw[0] === 13 && raw[1] === 10)) {
    end = 0;
    bodyStart = raw[0] === 10 ? 1 : 2;
  }
  const text = raw.subarray(0, end).toString('utf8');
  const lines = text.split(/\r?\n/);
  const headers: SieveHeaderField[] = [];
  let current: string[] | null = null;
  const flush = () => {
    if (current === null) return;
    const rawField = current.join('\r\n');
    current = null;
    const colon = rawField.indexOf(':');
    if (colon <= 0 || headers.length >= MAX_FIELDS) return;
    const name = rawField.slice(0, colon).trim();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) return;
    const value = rawField
      .slice(colon + 1)
      .replace(/\r\n(?=[ \t])/g, '')
      .trim();
    headers.push({ name, value, raw: rawField });
  };
  for (const line of lines) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && current !== null) (current as string[]).push(line);
    else {
      flush();
      current = [line];
    }
  }
  flush();
  return { headers, bodyStart };
}

/** RFC 5228 2.7.2: header values are compared after RFC 2047 decoding. */
export function decodedValue(field: SieveHeaderField): string {
  return decodeWords(field.value);
}
