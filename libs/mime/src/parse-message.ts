import { decodeAddressList } from './address';
import { parseBodyStructure } from './body-structure';
import { asBuffer, bytesToString, countLines, safeSlice } from './bytes';
import { collectContent } from './content';
import { parseDate } from './date';
import { buildEnvelope, emptyEnvelope } from './envelope';
import { firstValue } from './header';
import { LIMITS } from './limits';
import { decodeWords } from './params';
import type { BodyPart, HeaderField, ParsedMessage } from './types';

/**
 * Parses a raw RFC 5322 message once into everything the store and the protocols need.
 * Synchronous, bounded (see LIMITS) and total: it never throws; input it cannot make sense
 * of still yields a message whose body is one text/plain part covering every byte.
 */
export function parseMessage(input: Buffer): ParsedMessage {
  const raw = asBuffer(input);
  try {
    return parseMessageOrThrow(raw);
  } catch {
    return fallback(raw);
  }
}

/** parseMessage without the safety net, for tests that must see internal failures. */
export function parseMessageOrThrow(raw: Buffer): ParsedMessage {
  const { body, fields } = parseBodyStructure(raw);
  const headers: HeaderField[] = fields.map(({ key, value }) => ({ key, value }));
  const { text, attachments, hasAttachments } = collectContent(raw, body);
  const messageId = firstValue(headers, 'message-id');
  const inReplyTo = firstValue(headers, 'in-reply-to');
  return {
    headers,
    headerEnd: body.bodyStart,
    envelope: buildEnvelope(headers),
    body,
    subject: decodeWords(firstValue(headers, 'subject') ?? ''),
    from: decodeAddressList(allValues(headers, 'from')),
    to: decodeAddressList(allValues(headers, 'to')),
    cc: decodeAddressList(allValues(headers, 'cc')),
    bcc: decodeAddressList(allValues(headers, 'bcc')),
    replyTo: decodeAddressList(allValues(headers, 'reply-to')),
    date: parseDate(firstValue(headers, 'date')),
    messageId: messageId === null ? null : (msgIds(messageId)[0] ?? (messageId || null)),
    inReplyTo: inReplyTo === null ? null : (msgIds(inReplyTo)[0] ?? (inReplyTo || null)),
    references: msgIds(allValues(headers, 'references') ?? '').slice(0, LIMITS.maxReferences),
    text,
    preview: preview(text),
    attachments,
    hasAttachments,
  };
}

/** Repeated address headers (illegal but common: two To lines) are read as one list. */
function allValues(headers: readonly HeaderField[], key: string): string | null {
  const values = headers.filter((h) => h.key === key).map((h) => h.value);
  return values.length === 0 ? null : values.join(', ');
}

/** `<id>` tokens of Message-ID / In-Reply-To / References (RFC 5322 3.6.4). */
function msgIds(value: string): string[] {
  const ids: string[] = [];
  let i = 0;
  while (ids.length < LIMITS.maxReferences) {
    const lt = value.indexOf('<', i);
    if (lt < 0) break;
    const gt = value.indexOf('>', lt + 1);
    if (gt < 0) break;
    const id = value.slice(lt, gt + 1).replace(/\s+/g, '');
    if (id.length > 2) ids.push(id);
    i = gt + 1;
  }
  return ids;
}

function preview(text: string): string {
  const collapsed = safeSlice(text.trimStart(), LIMITS.previewChars * 8).replace(/\s+/g, ' ').trim();
  return safeSlice(collapsed, LIMITS.previewChars);
}

function fallback(raw: Buffer): ParsedMessage {
  const body: BodyPart = {
    partId: '1',
    type: 'text',
    subtype: 'plain',
    params: { charset: 'us-ascii' },
    id: null,
    description: null,
    encoding: '7bit',
    size: raw.length,
    lines: 0,
    md5: null,
    disposition: null,
    language: null,
    location: null,
    headerStart: 0,
    bodyStart: 0,
    bodyEnd: raw.length,
    children: [],
  };
  let text = '';
  try {
    body.lines = countLines(raw, 0, raw.length);
    text = bytesToString(raw.subarray(0, LIMITS.maxTextChars));
  } catch {
    // keep the empty text
  }
  return {
    headers: [],
    headerEnd: 0,
    envelope: emptyEnvelope(),
    body,
    subject: '',
    from: [],
    to: [],
    cc: [],
    bcc: [],
    replyTo: [],
    date: null,
    messageId: null,
    inReplyTo: null,
    references: [],
    text,
    preview: preview(text),
    attachments: [],
    hasAttachments: false,
  };
}
