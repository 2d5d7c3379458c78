import iconv from 'iconv-lite';
import libmime from 'libmime';
import type { MessageDetailDto, MessageSummaryDto } from '@mailstead/contracts';
import { decodePartBody, parseMessage, type BodyPart, type ParsedMessage } from '@mailstead/mime';
import type { StoredMessage, WebmailMessageRow } from '@mailstead/store';
import { SanitizedHtmlCache, sanitizeHtml, type SanitizedHtml } from './html-sanitizer';

/** Largest text or HTML body shown inline; the rest is cut (the raw message has it all). */
const MAX_BODY_CHARS = 2_000_000;
/**
 * HTML bodies longer than this are clipped unless the reader asks for the whole message:
 * sanitizing costs about linear time in the DOM size under jsdom (seconds for ~500 KB of
 * markup), and mail this long is mostly newsletters. The cut may fall inside a tag; the HTML
 * parser drops an unfinished tag at the end, and DOMPurify sanitizes whatever is left.
 */
export const MAX_INLINE_HTML_CHARS = 100_000;

export function summaryDto(row: WebmailMessageRow): MessageSummaryDto {
  return {
    id: row.id.toString(),
    mailboxId: row.mailboxId,
    uid: row.uid,
    threadId: row.threadId.toString(),
    subject: row.subject,
    from: { name: row.fromName, address: row.fromAddress },
    to: row.toAddresses,
    date: row.internalDate.toISOString(),
    size: row.size,
    preview: row.preview,
    seen: row.seen,
    flagged: row.flagged,
    answered: row.answered,
    draft: row.draft,
    keywords: row.keywords,
    hasAttachments: row.hasAttachments,
    ...(row.threadSize !== undefined ? { threadSize: row.threadSize } : {}),
  };
}

function decodeText(raw: Buffer, part: BodyPart): string {
  const bytes = decodePartBody(raw, part);
  const charset = (part.params['charset'] ?? 'utf-8').trim().toLowerCase();
  const text = iconv.encodingExists(charset) ? iconv.decode(bytes, charset) : bytes.toString('utf8');
  return text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text;
}

const isAttachmentPart = (p: BodyPart) => p.disposition?.type === 'attachment' || Boolean(p.disposition?.params['filename'] ?? p.params['name']);

/** The first readable text/plain and text/html bodies (not inside an attached message). */
export function findBodies(root: BodyPart): { text?: BodyPart; html?: BodyPart } {
  const found: { text?: BodyPart; html?: BodyPart } = {};
  const walk = (p: BodyPart) => {
    if (p.type === 'multipart') {
      p.children.forEach(walk);
      return;
    }
    if (p.type !== 'text' || isAttachmentPart(p)) return;
    if (p.subtype === 'plain') found.text ??= p;
    else if (p.subtype === 'html') found.html ??= p;
  };
  walk(root);
  return found;
}

const decodeHeader = (value: string) => {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
};

const addresses = (list: ParsedMessage['to']) => list.map((a) => (a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? ''))).join(', ');

export function attachmentUrl(messageId: bigint | string, partId: string): string {
  return `/api/messages/${messageId}/attachments/${partId}`;
}

/**
 * Sanitized HTML of recently opened messages. A stored message never changes (its bytes are
 * content-addressed and a row's blob is fixed), and the output depends only on the message id
 * (cid: URLs) and the remote-images choice, so reopening a large message skips DOMPurify.
 */
const sanitizedCache = new SanitizedHtmlCache();

export function detailDto(message: StoredMessage, options: { allowRemoteImages: boolean; full?: boolean }): MessageDetailDto {
  const parsed = parseMessage(message.raw);
  const bodies = findBodies(parsed.body);
  const byCid = new Map(parsed.attachments.filter((a) => a.contentId).map((a) => [a.contentId!.replace(/^<|>$/g, ''), a.partId]));
  let html: string | null = null;
  let remoteImagesBlocked = false;
  let htmlClipped = false;
  if (bodies.html) {
    let source = decodeText(message.raw, bodies.html);
    if (!options.full && source.length > MAX_INLINE_HTML_CHARS) {
      source = source.slice(0, MAX_INLINE_HTML_CHARS);
      htmlClipped = true;
    }
    const key = `${message.id}:${options.allowRemoteImages ? 'remote' : 'blocked'}:${htmlClipped ? 'clipped' : 'whole'}`;
    let result: SanitizedHtml | undefined = sanitizedCache.get(key);
    if (!result) {
      result = sanitizeHtml(source, {
        allowRemoteImages: options.allowRemoteImages,
        cidUrl: (cid) => {
          const partId = byCid.get(cid);
          return partId ? `${attachmentUrl(message.id, partId)}?inline=true` : undefined;
        },
      });
      sanitizedCache.set(key, result);
    }
    html = result.html;
    remoteImagesBlocked = result.remoteImagesBlocked;
  }
  return {
    ...summaryDto(message),
    headers: parsed.headers.map((h) => ({ name: h.key, value: decodeHeader(h.value) })),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    messageIdHeader: message.messageIdHdr,
    inReplyTo: message.inReplyTo,
    references: message.references,
    text: bodies.text ? decodeText(message.raw, bodies.text) : null,
    html,
    remoteImagesBlocked,
    htmlClipped,
    attachments: parsed.attachments.map((a) => ({
      partId: a.partId,
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      contentId: a.contentId,
      inline: a.inline,
      url: attachmentUrl(message.id, a.partId),
    })),
  };
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the RFC 8187 UTF-8 name. */
export function contentDisposition(type: 'attachment' | 'inline', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
