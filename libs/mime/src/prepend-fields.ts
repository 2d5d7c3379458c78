import { parseMessage } from './parse-message';
import type { BodyPart, HeaderField, ParsedMessage } from './types';

/**
 * Fields that parseMessage reads for anything but the `headers` list. Prepending one of them can
 * change the parse (a second Subject, a Content-Type on top), so those are parsed afresh.
 */
const READ_BY_PARSE = new Set(['subject', 'from', 'to', 'cc', 'bcc', 'reply-to', 'sender', 'date', 'message-id', 'in-reply-to', 'references']);

/**
 * The parse of `fields` (complete "Name: value" lines, CRLF optional) written on top of the
 * message that `base` is the parse of — what parseMessage(prepended raw) answers, without
 * parsing again. Delivery writes Return-Path/Delivered-To per recipient on one parsed message,
 * so N local copies cost one MIME parse, not N. Every byte offset below the top moves down by the
 * fields' length; the message header still starts at 0.
 */
export function withPrependedFields(base: ParsedMessage, fields: readonly string[], prependedRaw: Buffer): ParsedMessage {
  const lines = fields.map((f) => (f.endsWith('\r\n') ? f.slice(0, -2) : f));
  const added: HeaderField[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    const key = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    if (!key || READ_BY_PARSE.has(key) || key.startsWith('content-') || key === 'mime-version' || /[\r\n]/.test(line)) return parseMessage(prependedRaw);
    added.push({ key, value: line.slice(colon + 1).trim() });
  }
  // parseMessage's fallback for input it cannot read has no header at all: parse afresh.
  if (base.headers.length === 0) return parseMessage(prependedRaw);
  const shift = lines.reduce((n, l) => n + Buffer.byteLength(l, 'latin1') + 2, 0);
  return { ...base, headers: [...added, ...base.headers], headerEnd: base.headerEnd + shift, body: shifted(base.body, shift, true) };
}

function shifted(part: BodyPart, by: number, root: boolean): BodyPart {
  return {
    ...part,
    headerStart: root ? part.headerStart : part.headerStart + by,
    bodyStart: part.bodyStart + by,
    bodyEnd: part.bodyEnd + by,
    children: part.children.map((c) => shifted(c, by, false)),
    ...(part.message ? { message: { ...part.message, body: shifted(part.message.body, by, false) } } : {}),
  };
}
