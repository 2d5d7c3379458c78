import libmime from 'libmime';
import { decodeCharset, safeSlice, stripNul } from './bytes';
import { decodedSize, decodeTransfer } from './decode';
import { htmlToText } from './html-text';
import { LIMITS } from './limits';
import { decodeWords } from './params';
import type { Attachment, BodyPart } from './types';

const SIGNATURES = new Set(['application/pgp-signature', 'application/pkcs7-signature', 'application/x-pkcs7-signature']);

export interface Content {
  text: string;
  attachments: Attachment[];
  hasAttachments: boolean;
}

export function filenameOf(part: BodyPart): string | null {
  const name = part.disposition?.params['filename'] ?? part.params['name'];
  if (name === undefined || name.trim() === '') return null;
  return decodeWords(name.trim());
}

/** A text/plain or text/html part meant to be read as the message, not a file. */
function isBodyText(part: BodyPart): boolean {
  return (
    part.type === 'text' &&
    (part.subtype === 'plain' || part.subtype === 'html') &&
    part.disposition?.type !== 'attachment' &&
    filenameOf(part) === null
  );
}

/** The decoded text of a text part (charset, format=flowed per RFC 3676). */
export function partText(raw: Buffer, part: BodyPart): string {
  const end = Math.min(part.bodyEnd, part.bodyStart + LIMITS.maxTextPartBytes);
  const bytes = decodeTransfer(raw.subarray(part.bodyStart, end), part.encoding);
  let text = decodeCharset(bytes, part.params['charset']);
  if (part.subtype === 'plain' && part.params['format']?.toLowerCase() === 'flowed') {
    try {
      text = libmime.decodeFlowed(text, part.params['delsp']?.toLowerCase() === 'yes');
    } catch {
      // keep the undecoded text
    }
  }
  return part.subtype === 'html' ? htmlToText(text) : text;
}

/**
 * Search text and the attachment list. In multipart/alternative only the text/plain
 * alternative (else the last one) feeds the text; an embedded message counts as one
 * attachment while its text is searched too.
 */
export function collectContent(raw: Buffer, root: BodyPart): Content {
  const texts: string[] = [];
  let chars = 0;
  const attachments: Attachment[] = [];

  const addText = (part: BodyPart): void => {
    if (chars >= LIMITS.maxTextChars) return;
    const t = safeSlice(partText(raw, part), LIMITS.maxTextChars - chars);
    if (t.trim() === '') return;
    texts.push(t);
    chars += t.length;
  };

  const addAttachment = (part: BodyPart, parent: BodyPart | null): void => {
    const dispType = part.disposition?.type ?? null;
    attachments.push({
      partId: part.partId,
      filename: filenameOf(part),
      contentType: `${part.type}/${part.subtype}`,
      size: decodedSize(raw, part),
      contentId: part.id === null ? null : stripNul(part.id),
      disposition: dispType,
      inline: dispType === 'inline' || (dispType === null && parent?.subtype === 'related' && part.id !== null),
    });
  };

  // Explicit stack instead of recursion: depth is already capped by the parser, but this
  // keeps the walk flat for whatever JSON comes back from storage.
  const stack: { part: BodyPart; parent: BodyPart | null; text: boolean; files: boolean }[] = [{ part: root, parent: null, text: true, files: true }];
  let visited = 0;
  while (stack.length > 0 && visited++ < LIMITS.maxParts * 2) {
    const { part, parent, text, files } = stack.pop()!;
    if (part.type === 'multipart') {
      let chosen = -1;
      if (part.subtype === 'alternative' && part.children.length > 0) {
        chosen = part.children.findIndex((c) => c.type === 'text' && c.subtype === 'plain' && isBodyText(c));
        if (chosen < 0) chosen = part.children.length - 1;
      }
      for (let i = part.children.length - 1; i >= 0; i--) {
        stack.push({ part: part.children[i]!, parent: part, text: text && (chosen < 0 || chosen === i), files });
      }
    } else if (part.message) {
      if (files) addAttachment(part, parent);
      if (text) stack.push({ part: part.message.body, parent: part, text, files: false });
    } else if (isBodyText(part)) {
      if (text) addText(part);
    } else if (files) {
      addAttachment(part, parent);
    }
  }
  const hasAttachments = attachments.some((a) => !a.inline && !SIGNATURES.has(a.contentType));
  return { text: texts.join('\n\n'), attachments, hasAttachments };
}
