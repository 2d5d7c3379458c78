import type { ReplyDraft } from '@mailstead/contracts';
import { htmlToText, type Address } from '@mailstead/mime';

/**
 * The reply and forward rules, as Thunderbird and Fastmail apply them. Pure: the service
 * (reply-draft.service.ts) loads the message, answers which addresses are the account's own
 * and uploads forwarded attachments.
 */

type Recipient = ReplyDraft['to'][number];
export type DraftMode = 'reply' | 'all' | 'forward';

export interface ReplySource {
  subject: string;
  from: Address[];
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  /** The Date header, else when the message arrived. */
  date: Date;
  /** The text/plain body, if any. */
  text: string | null;
  /** The HTML body as the reader shows it (sanitized), if any. */
  html: string | null;
}

// Prefixes mail clients put in front of a subject: Re, Fw, Fwd and the German AW (Antwort) and
// WG (Weitergeleitet), also counted ones such as "Re[2]:", repeated and in any case.
const PREFIXES = /^\s*(?:(?:re|fwd?|aw|wg)\s*(?:\[\d+\])?\s*:\s*)+/i;

export function baseSubject(subject: string): string {
  return subject.replace(PREFIXES, '').trim();
}

/** "Re: " once, never "Re: Re: " or "Re: AW: " (RFC 5322 3.6.5). */
export const replySubject = (subject: string) => `Re: ${baseSubject(subject)}`;
export const forwardSubject = (subject: string) => `Fwd: ${baseSubject(subject)}`;

/**
 * RFC 3676 4.5 quoting: "> " before each line, one more ">" before a line already quoted, and
 * a bare ">" for an empty line (a trailing space would mark a flowed line).
 */
export function quoteText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line.startsWith('>') ? `>${line}` : line === '' ? '>' : `> ${line}`))
    .join('\n');
}

/** What the reader showed: the HTML as text when there is HTML, else the text part. */
export function shownText(source: Pick<ReplySource, 'text' | 'html'>): string {
  return source.html !== null ? htmlToText(source.html) : (source.text ?? '').replace(/\r\n?/g, '\n');
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const htmlLines = (lines: string[]) => lines.map((line) => (line ? `<div>${escapeHtml(line)}</div>` : '<div><br></div>')).join('');

const recipient = (a: Address): Recipient | undefined => (a.address ? { ...(a.name ? { name: a.name } : {}), address: a.address } : undefined);
const recipients = (list: Address[]) => list.map(recipient).filter((r): r is Recipient => r !== undefined);
/** "Name <address>", the name quoted when it holds a comma or other specials (RFC 5322 3.2.3). */
const display = (r: Recipient) => (!r.name ? r.address : /[",;:<>@()[\]\\]/.test(r.name) ? `"${r.name.replace(/["\\]/g, '\\$&')}" <${r.address}>` : `${r.name} <${r.address}>`);

/** Each address once (case-insensitively), leaving out `skip` and the ones already in `seen`. */
function unique(list: Recipient[], seen: Set<string>, skip: (address: string) => boolean): Recipient[] {
  const out: Recipient[] = [];
  for (const r of list) {
    const key = r.address.toLowerCase();
    if (seen.has(key) || skip(r.address)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}

/**
 * The compose form for answering or forwarding `source` from an account whose own addresses
 * (its address, aliases it owns, sender grants) `isOwn` recognises.
 * - From: the own address the message was sent to (an alias), else the account's address.
 * - Reply: Reply-To, else From (RFC 5322 3.6.2); replying to one's own sent message goes to
 *   its recipients. Reply-all adds the other To (in To) and Cc (in Cc). The account's own
 *   addresses are never among the recipients, unless the message went only to oneself.
 * - Forward: no recipients, a "Forwarded message" header block, then the message.
 */
export function buildReplyDraft(
  source: ReplySource,
  mode: DraftMode,
  account: { address: string; isOwn(address: string): boolean },
): Omit<ReplyDraft, 'attachments' | 'inReplyToId'> {
  const sender = recipients(source.from)[0];
  const sentByMe = sender !== undefined && account.isOwn(sender.address);
  const from = (sentByMe ? sender.address : undefined) ?? recipients([...source.to, ...source.cc]).find((r) => account.isOwn(r.address))?.address ?? account.address;
  const date = source.date.toUTCString();
  const senderText = sender ? display(sender) : 'unknown sender';
  const body = shownText(source);

  if (mode === 'forward') {
    const header = [
      '---------- Forwarded message ----------',
      `From: ${senderText}`,
      `Date: ${date}`,
      `Subject: ${source.subject}`,
      `To: ${recipients(source.to).map(display).join(', ')}`,
      ...(source.cc.length > 0 ? [`Cc: ${recipients(source.cc).map(display).join(', ')}`] : []),
    ];
    return {
      from,
      to: [],
      cc: [],
      subject: forwardSubject(source.subject),
      text: `\n\n${header.join('\n')}\n\n${body}`,
      html: source.html === null ? null : `<div><br></div>${htmlLines(header)}<div><br></div>${source.html}`,
    };
  }

  const replyTo = recipients(source.replyTo);
  const primary = replyTo.length > 0 && !replyTo.every((r) => account.isOwn(r.address)) ? replyTo : sentByMe ? recipients(source.to) : sender ? [sender] : [];
  const seen = new Set<string>();
  let to = unique(primary, seen, account.isOwn);
  // A note to oneself: the only way to answer it is to oneself.
  if (to.length === 0) to = unique(primary, seen, () => false);
  let cc: Recipient[] = [];
  if (mode === 'all') {
    if (!sentByMe) to = [...to, ...unique(recipients(source.to), seen, account.isOwn)];
    cc = unique(recipients(source.cc), seen, account.isOwn);
  }
  const attribution = `On ${date}, ${senderText} wrote:`;
  return {
    from,
    to,
    cc,
    subject: replySubject(source.subject),
    text: `\n\n${attribution}\n${quoteText(body)}\n`,
    html: source.html === null ? null : `<div><br></div>${htmlLines([attribution])}<blockquote type="cite">${source.html}</blockquote>`,
  };
}
