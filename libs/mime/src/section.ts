import { asBuffer, CR, LF } from './bytes';
import { forEachField } from './header';
import type { BodyPart, ParsedMessage, Section } from './types';

const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');

/** '' -> [], '1.2' -> [1, 2]; null for anything that is not a part number. */
export function parsePartId(partId: string): number[] | null {
  if (partId === '') return [];
  const path = partId.split('.').map(Number);
  return path.every((n) => Number.isSafeInteger(n) && n > 0) ? path : null;
}

/**
 * The part a section part number names (RFC 3501 6.4.5). In a message whose body is not
 * multipart, part 1 is that body; after a message/rfc822 part the numbers continue inside
 * the embedded message. [] names the message itself (its root body).
 */
export function resolvePart(root: BodyPart, path: readonly number[]): BodyPart | null {
  let messageBody = root;
  let current: BodyPart | null = null;
  for (const n of path) {
    if (!Number.isSafeInteger(n) || n < 1) return null;
    if (current !== null && current.type !== 'multipart') {
      if (!current.message) return null;
      messageBody = current.message.body;
      current = null;
    }
    if (current === null) current = messageBody.type === 'multipart' ? (messageBody.children[n - 1] ?? null) : n === 1 ? messageBody : null;
    else current = current.children[n - 1] ?? null;
    if (current === null) return null;
  }
  return current ?? root;
}

function slice(raw: Buffer, start: number, end: number): Buffer {
  const s = Math.max(0, Math.min(start, raw.length));
  return raw.subarray(s, Math.max(s, Math.min(end, raw.length)));
}

/**
 * HEADER.FIELDS / HEADER.FIELDS.NOT: the matching fields as they are in the message
 * (continuation lines kept), then the blank line, always CRLF (RFC 3501 6.4.5: "the
 * subset of the header ... includes the blank line").
 */
function filterFields(raw: Buffer, start: number, end: number, names: readonly string[], keep: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const chunks: Buffer[] = [];
  forEachField(raw, start, end, (f) => {
    if (wanted.has(f.key) !== keep) return;
    chunks.push(raw.subarray(f.start, f.end));
    if (raw[f.end - 1] !== LF) chunks.push(raw[f.end - 1] === CR ? Buffer.from('\n') : CRLF);
  });
  chunks.push(CRLF);
  return Buffer.concat(chunks);
}

/** The header and text of a message: the top one for [], an embedded one for a message/rfc822 part. */
function messageOf(root: BodyPart, path: readonly number[]): BodyPart | null {
  if (path.length === 0) return root;
  const part = resolvePart(root, path);
  return part?.message?.body ?? null;
}

/**
 * The bytes of IMAP BODY[section] (RFC 3501 6.4.5) from the raw message; the partial
 * <start.length> is the caller's. A section that names no part, or HEADER/TEXT of a part
 * that is not message/rfc822, gives an empty Buffer. May share memory with `raw`. Never throws.
 */
export function sectionBytes(raw: Buffer, msg: ParsedMessage | BodyPart, section: Section): Buffer {
  try {
    return sectionBytesOrThrow(asBuffer(raw), msg, section);
  } catch {
    return EMPTY;
  }
}

/** sectionBytes without the safety net, for tests that must see internal failures. */
export function sectionBytesOrThrow(raw: Buffer, msg: ParsedMessage | BodyPart, section: Section): Buffer {
  const root = 'partId' in msg ? msg : msg.body;
  const path = section.part ?? [];
  switch (section.kind) {
    case 'ALL': {
      if (path.length === 0) return slice(raw, root.headerStart, root.bodyEnd);
      const part = resolvePart(root, path);
      return part ? slice(raw, part.bodyStart, part.bodyEnd) : EMPTY;
    }
    case 'MIME': {
      if (path.length === 0) return EMPTY;
      const part = resolvePart(root, path);
      return part ? slice(raw, part.headerStart, part.bodyStart) : EMPTY;
    }
    case 'HEADER': {
      const m = messageOf(root, path);
      return m ? slice(raw, m.headerStart, m.bodyStart) : EMPTY;
    }
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT': {
      const m = messageOf(root, path);
      if (!m) return EMPTY;
      const start = Math.max(0, Math.min(m.headerStart, raw.length));
      const end = Math.max(start, Math.min(m.bodyStart, raw.length));
      return filterFields(raw, start, end, section.fields ?? [], section.kind === 'HEADER.FIELDS');
    }
    case 'TEXT': {
      const m = messageOf(root, path);
      return m ? slice(raw, m.bodyStart, m.bodyEnd) : EMPTY;
    }
    default:
      return EMPTY;
  }
}
