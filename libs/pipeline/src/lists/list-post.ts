import { splitAddress } from '@mailstead/store';
import type { ListInfo } from '../recipients/recipient-resolver';
import { fieldValue, joinMessage, removeFields, replaceFieldValue, splitMessage } from '../message/message-headers';

/** The envelope sender of list mail: bounces come back here, not to the poster (RFC 5321 3.10). */
export function listBounceAddress(list: Pick<ListInfo, 'address'>): string {
  const parts = splitAddress(list.address)!;
  return `${parts.local}-bounces@${parts.domain}`;
}

/**
 * RFC 2369 / RFC 2919 / RFC 8058 fields every delivered list post carries. `unsubscribe` is the
 * member's signed HTTPS link (unsubscribe-token.ts): POSTing `List-Unsubscribe=One-Click` to it
 * removes the member (RFC 8058 3.1), and a GET shows what the list is and a button, so it is
 * also the List-Help page. There is no mailto: variant, because no `-request` address exists
 * to answer it (the header promises only what works).
 */
export function listFields(list: ListInfo, unsubscribe: string | null): string[] {
  const parts = splitAddress(list.address)!;
  const name = list.name.replace(/["\\\r\n]/g, '');
  return [
    `List-Id: "${name}" <${parts.local}.${parts.domain}>`,
    `List-Post: <mailto:${list.address}>`,
    ...(unsubscribe ? [`List-Unsubscribe: <${unsubscribe}>`, 'List-Unsubscribe-Post: List-Unsubscribe=One-Click', `List-Help: <${unsubscribe}>`] : []),
    'Precedence: list',
  ];
}

const REPLACED = ['list-id', 'list-post', 'list-unsubscribe', 'list-unsubscribe-post', 'list-help', 'list-subscribe', 'list-owner', 'list-archive', 'precedence'];

/**
 * The list's copy of a post for one member: List-* fields (with that member's unsubscribe
 * link), subject prefix, Reply-To per the list's setting.
 */
export function listCopy(raw: Buffer, list: ListInfo, unsubscribe: string | null): Buffer {
  const { header, body } = splitMessage(raw);
  let h = removeFields(header, list.replyTo === 'list' ? [...REPLACED, 'reply-to'] : REPLACED);
  const prefix = list.subjectPrefix?.trim();
  if (prefix) {
    const subject = fieldValue(h, 'subject');
    if (subject === undefined) h += `Subject: ${prefix}\r\n`;
    else if (!subject.includes(prefix)) h = replaceFieldValue(h, 'subject', `${prefix} ${subject}`);
  }
  const added = [...listFields(list, unsubscribe), ...(list.replyTo === 'list' ? [`Reply-To: <${list.address}>`] : [])];
  return joinMessage(h + added.map((f) => `${f}\r\n`).join(''), body);
}
