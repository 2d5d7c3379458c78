import { decodeWords } from '@mailstead/mime';
import { fieldValue, newMessageId, rfc5322Date, splitMessage } from '../message/message-headers';
import type { SieveVacationAction } from './sieve-engine';

/**
 * Senders that are never answered, whatever the script says (RFC 5230 4.6, RFC 3834 2): the null
 * sender, the user's own addresses, and the addresses of list and mail software.
 */
const SOFTWARE_SENDER = /^(?:owner-.*|.*-request|mailer-daemon|listserv|majordomo|.*-(?:bounces?|owner))$/i;

/**
 * Why no vacation reply may go to this message, or null when one may: the envelope sender is
 * `<>`, one of the user's own addresses, or list software (RFC 5230 4.6), or the message is
 * automatic (Auto-Submitted other than "no", RFC 3834 5) or bulk or list mail (Precedence
 * bulk/list/junk, any List-* field of RFC 2369/2919). The interpreter checks these too; this is
 * the delivery's own guard, since a reply loop costs more than a missed reply.
 */
export function vacationRefusal(sender: string, header: string, ownAddresses: readonly string[]): string | null {
  if (sender === '') return 'null sender';
  const key = sender.toLowerCase();
  if (ownAddresses.some((a) => a.toLowerCase() === key)) return 'own address';
  if (SOFTWARE_SENDER.test(key.slice(0, key.lastIndexOf('@')))) return 'list or system sender';
  const auto = fieldValue(header, 'Auto-Submitted')?.trim().toLowerCase();
  if (auto && !/^no\b/.test(auto)) return 'automatic message';
  const precedence = fieldValue(header, 'Precedence')?.trim().toLowerCase();
  if (precedence && ['bulk', 'list', 'junk'].includes(precedence)) return 'bulk message';
  if (/^list-(?:id|post|help|unsubscribe|subscribe|owner|archive):/im.test(header)) return 'list message';
  return null;
}

/** The address inside a `:from` value, which may be `Name <addr>` (RFC 5230 4.3). */
export function vacationFromAddress(from: string): string | null {
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(from);
  if (angle) return angle[1]!;
  const bare = from.trim();
  return /^[^\s<>@]+@[^\s<>@]+$/.test(bare) ? bare : null;
}

export interface VacationReplyInput {
  action: SieveVacationAction;
  /** the envelope sender being answered (RFC 5230 5.2: the reply goes to it) */
  to: string;
  /** the From field: the user's address, or the script's :from when the user owns it (RFC 5230 5.4) */
  from: string;
  /** the message answered: its header (for Subject, Message-ID, References) */
  original: Buffer;
  hostname: string;
  now: Date;
}

/**
 * The reply of RFC 5230 5: to the envelope sender, From the user, Subject from :subject or
 * "Auto: " and the original's, In-Reply-To and References naming the original (5.6),
 * Auto-Submitted: auto-replied (5.7, RFC 3834 5), and the reason as plain UTF-8 text or, with
 * :mime, as the MIME entity the script wrote (4.4). It is sent from the null sender (5.1).
 */
export function buildVacationReply(input: VacationReplyInput): Buffer {
  const { action, original } = input;
  const header = splitMessage(original).header;
  // the header is latin1 text over the bytes: an RFC 6532 UTF-8 Subject is read back as UTF-8
  const originalSubject = decodeWords(Buffer.from(unfold(fieldValue(header, 'Subject') ?? '').trim(), 'latin1').toString('utf8'));
  const subject = action.subject ?? `Auto: ${originalSubject}`;
  const messageId = fieldValue(header, 'Message-ID')?.trim();
  const references = unfold(fieldValue(header, 'References') ?? fieldValue(header, 'In-Reply-To') ?? '').trim();
  const fields = [
    `From: ${input.from}`,
    `To: <${input.to}>`,
    `Subject: ${encodeWord(subject)}`,
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: ${newMessageId(input.hostname)}`,
    ...(messageId ? [`In-Reply-To: ${messageId}`, `References: ${[references, messageId].filter(Boolean).join(' ')}`] : []),
    'Auto-Submitted: auto-replied (vacation)',
    'Precedence: bulk',
    'MIME-Version: 1.0',
  ];
  if (action.mime) {
    const entity = crlf(action.reason);
    // an entity with no header of its own starts with its blank line
    const body = /^\r\n/.test(entity) || /\r\n\r\n/.test(entity) ? entity : `\r\n${entity}`;
    return Buffer.from(`${fields.join('\r\n')}\r\n${body}`, 'utf8');
  }
  const text = crlf(action.reason);
  const ascii = /^[\x20-\x7e\r\n\t]*$/.test(text) && text.split('\r\n').every((l) => l.length <= 998);
  const body = ascii ? text : base64Lines(Buffer.from(text, 'utf8'));
  return Buffer.from(
    `${fields.join('\r\n')}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: ${ascii ? '7bit' : 'base64'}\r\n\r\n${body}${body.endsWith('\r\n') ? '' : '\r\n'}`,
    'utf8',
  );
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ');
}

function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n') + '\r\n';
}

/** RFC 2047 encoded words for a non-ASCII Subject, split on characters so each word stays within 75 octets. */
export function encodeWord(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}
