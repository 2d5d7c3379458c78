import type { MessageDetailDto } from '@mailstead/contracts';
import { escapeHtml, sanitizeComposeHtml, textToHtml } from './rich-text';

export interface Address {
  name?: string;
  address: string;
}

export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward' | 'forwardAsAttachment';

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

const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function uniqueAddresses(list: Address[], exclude: string[]): Address[] {
  const seen = new Set(exclude.map((e) => e.toLowerCase()));
  const out: Address[] = [];
  for (const a of list) {
    const key = a.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}

/** "Re: " once (RFC 5322 3.6.5: no "Re: Re: "), also over "RE:"/"Aw:"-style prefixes already there. */
export function replySubject(subject: string): string {
  return /^\s*re\s*:/i.test(subject) ? subject.trim() : `Re: ${subject.trim()}`;
}

export function forwardSubject(subject: string): string {
  return /^\s*(fwd?|fw)\s*:/i.test(subject) ? subject.trim() : `Fwd: ${subject.trim()}`;
}

/** Prefixes every line with "> " (">" alone before an already quoted line, as mail clients do). */
export function quoteLines(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line.startsWith('>') ? `>${line}` : line === '' ? '>' : `> ${line}`))
    .join('\n');
}

/** The readable text of a message: its text part, else the HTML with tags removed. */
export function messageText(message: Pick<MessageDetailDto, 'text' | 'html'>): string {
  if (message.text !== null) return message.text;
  if (message.html === null) return '';
  const doc = new DOMParser().parseFromString(message.html, 'text/html');
  doc.querySelectorAll('br').forEach((br) => br.replaceWith('\n'));
  doc.querySelectorAll('p, div, li, tr, h1, h2, h3, h4, h5, h6').forEach((el) => el.append('\n'));
  return (doc.body.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim();
}

function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toUTCString();
}

export type BodyMode = 'html' | 'text';

export interface ComposeDraft {
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
}

const lines = (parts: string[]) => parts.map((p) => `<div>${p ? escapeHtml(p) : '<br>'}</div>`).join('');

/** The original's body for a rich-text quote: its (sanitized) HTML, else its text. */
function quotedHtml(original: MessageDetailDto, body: string): string {
  return original.html !== null ? sanitizeComposeHtml(original.html) : textToHtml(body);
}

/**
 * The composer's starting point for a reply, reply-all or forward of `original`, written by
 * `self` (never among the reply-all recipients). Replies go to Reply-To when present (RFC 5322 3.6.2).
 * Both bodies are prepared: "> " quoted text (RFC 3676 4.5 style) and the HTML with the
 * original in a <blockquote type="cite">, as mail clients quote in HTML.
 */
export function prepareCompose(mode: ComposeMode, original: MessageDetailDto | undefined, self: string, signature = ''): ComposeDraft {
  const sig = signature.trim() ? `\n\n-- \n${signature.trim()}` : '';
  const sigHtml = signature.trim() ? `<div><br></div>${textToHtml(`-- \n${signature.trim()}`)}` : '';
  const blank = '<div><br></div>';
  if (mode === 'new' || !original) return { to: [], cc: [], bcc: [], subject: '', text: sig ? `\n${sig}` : '', html: `${blank}${sigHtml}` };
  const from: Address = original.from.name ? { name: original.from.name, address: original.from.address } : { address: original.from.address };
  if (mode === 'forwardAsAttachment')
    return { to: [], cc: [], bcc: [], subject: forwardSubject(original.subject), text: sig ? `\n${sig}` : '', html: `${blank}${sigHtml}`, inReplyToId: original.id };
  const body = messageText(original);
  if (mode === 'forward') {
    const header = [
      '---------- Forwarded message ----------',
      `From: ${formatAddress(from)}`,
      `Date: ${formatDate(original.date)}`,
      `Subject: ${original.subject}`,
      `To: ${original.to}`,
      ...(original.cc ? [`Cc: ${original.cc}`] : []),
    ];
    return {
      to: [],
      cc: [],
      bcc: [],
      subject: forwardSubject(original.subject),
      text: `\n${sig}\n\n${header.join('\n')}\n\n${body}`,
      html: `${blank}${sigHtml}${blank}${lines(header)}${blank}${quotedHtml(original, body)}`,
      inReplyToId: original.id,
    };
  }
  const replyTo = parseAddressList(original.replyTo);
  const primary = replyTo.length > 0 ? replyTo : [from];
  const isOwn = sameAddress(original.from.address, self);
  // Replying to one's own sent message goes to its recipients, as mail clients do.
  const to = isOwn ? parseAddressList(original.to) : primary;
  const cc =
    mode === 'replyAll' ? uniqueAddresses([...(isOwn ? [] : parseAddressList(original.to)), ...parseAddressList(original.cc)], [self, ...to.map((a) => a.address)]) : [];
  const attribution = `On ${formatDate(original.date)}, ${formatAddress(from)} wrote:`;
  return {
    to: uniqueAddresses(to, isOwn ? [] : [self]).length > 0 ? uniqueAddresses(to, isOwn ? [] : [self]) : to,
    cc,
    bcc: [],
    subject: replySubject(original.subject),
    text: `\n${sig}\n\n${attribution}\n${quoteLines(body)}\n`,
    html: `${blank}${sigHtml}${blank}${lines([attribution])}<blockquote type="cite">${quotedHtml(original, body)}</blockquote>`,
    inReplyToId: original.id,
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
