import type { MessageDetailDto, ReplyDraft, UploadResult } from '@mailstead/contracts';
import { sanitizeComposeHtml, textToHtml } from './rich-text';

/**
 * What the composer starts from: a new message, a saved draft, or the server's reply/forward
 * form (GET /api/messages/:id/reply, the one place the reply and forward rules live).
 */

export interface Address {
  name?: string;
  address: string;
}

/** Splits "A <a@x>, \"B, Jr\" <b@x>, c@x" into addresses (commas inside quotes or <> do not split). */
export function parseAddressList(list: string): Address[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const ch of list) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle = true;
    else if (!quoted && ch === '>') angle = false;
    if ((ch === ',' || ch === ';') && !quoted && !angle) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const out: Address[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    const m = /^(.*?)<([^<>]+)>\s*$/.exec(part);
    if (m) {
      const name = m[1]!.trim().replace(/^"(.*)"$/, '$1').trim();
      out.push(name ? { name, address: m[2]!.trim() } : { address: m[2]!.trim() });
    } else if (part.includes('@')) out.push({ address: part });
  }
  return out;
}

export function formatAddress(a: Address): string {
  if (!a.name) return a.address;
  return /[",;<>@()]/.test(a.name) ? `"${a.name.replace(/["\\]/g, '')}" <${a.address}>` : `${a.name} <${a.address}>`;
}

/** The readable text of a message: its text part, else the HTML with tags removed. */
function messageText(message: Pick<MessageDetailDto, 'text' | 'html'>): string {
  if (message.text !== null) return message.text;
  if (message.html === null) return '';
  const doc = new DOMParser().parseFromString(message.html, 'text/html');
  doc.querySelectorAll('br').forEach((br) => br.replaceWith('\n'));
  doc.querySelectorAll('p, div, li, tr, h1, h2, h3, h4, h5, h6').forEach((el) => el.append('\n'));
  return (doc.body.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim();
}

export type BodyMode = 'html' | 'text';

export interface ComposeDraft {
  /** The sender when it is not the account's address (a reply to mail sent to an alias). */
  from?: string;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  /** The body for the plain-text mode. */
  text: string;
  /** The same body for the rich-text mode (a reply quotes the original in a <blockquote type="cite">). */
  html: string;
  /** Set when the draft was written in one mode (a saved draft reopens in it); else the user's preference. */
  mode?: BodyMode;
  inReplyToId?: string;
  /** Editing a saved draft: replaced on save, removed on send. */
  draftId?: string;
  /** Already uploaded attachments (a forward's copies of the original's); the user may remove them. */
  attachments?: UploadResult[];
}

const signatureText = (signature: string) => (signature.trim() ? `\n\n-- \n${signature.trim()}` : '');
const signatureHtml = (signature: string) => (signature.trim() ? `<div><br></div>${textToHtml(`-- \n${signature.trim()}`)}` : '');

/** A new message: an empty line to write on, then the signature. */
export function newCompose(signature = ''): ComposeDraft {
  const sig = signatureText(signature);
  return { to: [], cc: [], bcc: [], subject: '', text: sig ? `\n${sig}` : '', html: `<div><br></div>${signatureHtml(signature)}` };
}

/**
 * The server's reply/forward form in the composer: the signature goes above the quote (as
 * Thunderbird's "reply above the quote"), the quoted HTML through the composer's own
 * sanitizer; a text-only original's quote becomes blockquotes.
 */
export function replyToCompose(form: ReplyDraft, signature = ''): ComposeDraft {
  const text = `${signatureText(signature)}${form.text}`;
  return {
    from: form.from,
    to: form.to,
    cc: form.cc,
    bcc: [],
    subject: form.subject,
    text,
    html: form.html === null ? textToHtml(text) : `<div><br></div>${signatureHtml(signature)}${sanitizeComposeHtml(form.html)}`,
    ...(form.inReplyToId ? { inReplyToId: form.inReplyToId } : {}),
    attachments: form.attachments,
  };
}

/** A saved draft, back in the composer. */
export function draftToCompose(draft: MessageDetailDto): ComposeDraft {
  const bcc = draft.headers.find((h) => h.name.toLowerCase() === 'bcc')?.value ?? '';
  return {
    to: parseAddressList(draft.to),
    cc: parseAddressList(draft.cc),
    bcc: parseAddressList(bcc),
    subject: draft.subject,
    text: messageText(draft),
    // A draft written in rich text has an HTML part and reopens in rich text; else in plain text.
    html: draft.html !== null ? sanitizeComposeHtml(draft.html) : textToHtml(messageText(draft)),
    mode: draft.html !== null ? 'html' : 'text',
    draftId: draft.id,
  };
}
