import type { MessageDetailDto } from '@mailstead/contracts';

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

export interface ComposeDraft {
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  text: string;
  inReplyToId?: string;
  /** Editing a saved draft: replaced on save, removed on send. */
  draftId?: string;
}

/**
 * The composer's starting point for a reply, reply-all or forward of `original`, written by
 * `self` (never among the reply-all recipients). Replies go to Reply-To when present (RFC 5322 3.6.2).
 */
export function prepareCompose(mode: ComposeMode, original: MessageDetailDto | undefined, self: string, signature = ''): ComposeDraft {
  const sig = signature.trim() ? `\n\n-- \n${signature.trim()}` : '';
  if (mode === 'new' || !original) return { to: [], cc: [], bcc: [], subject: '', text: sig ? `\n${sig}` : '' };
  const from: Address = original.from.name ? { name: original.from.name, address: original.from.address } : { address: original.from.address };
  if (mode === 'forwardAsAttachment') return { to: [], cc: [], bcc: [], subject: forwardSubject(original.subject), text: sig ? `\n${sig}` : '', inReplyToId: original.id };
  const body = messageText(original);
  if (mode === 'forward') {
    const header = [
      '---------- Forwarded message ----------',
      `From: ${formatAddress(from)}`,
      `Date: ${formatDate(original.date)}`,
      `Subject: ${original.subject}`,
      `To: ${original.to}`,
      ...(original.cc ? [`Cc: ${original.cc}`] : []),
    ].join('\n');
    return { to: [], cc: [], bcc: [], subject: forwardSubject(original.subject), text: `\n${sig}\n\n${header}\n\n${body}`, inReplyToId: original.id };
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
    draftId: draft.id,
  };
}
