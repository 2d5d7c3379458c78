import { splitAddress } from '@mailstead/store';
import type { ListInfo } from './recipient-resolver';
import { fieldValue, joinMessage, removeFields, replaceFieldValue, splitMessage } from './message-headers';

/** The envelope sender of list mail: bounces come back here, not to the poster (RFC 5321 3.10). */
export function listBounceAddress(list: Pick<ListInfo, 'address'>): string {
  const parts = splitAddress(list.address)!;
  return `${parts.local}-bounces@${parts.domain}`;
}

/** RFC 2369 / RFC 2919 / RFC 8058 fields every delivered list post carries. */
export function listFields(list: ListInfo, webHost: string): string[] {
  const parts = splitAddress(list.address)!;
  const name = list.name.replace(/["\\\r\n]/g, '');
  const request = (what: string) => `<mailto:${parts.local}-request@${parts.domain}?subject=${what}>`;
  return [
    `List-Id: "${name}" <${parts.local}.${parts.domain}>`,
    `List-Post: <mailto:${list.address}>`,
    // RFC 8058 one-click: an HTTPS URI plus List-Unsubscribe-Post; the API serves the POST
    `List-Unsubscribe: <https://${webHost}/api/lists/${encodeURIComponent(list.address)}/unsubscribe>, ${request('unsubscribe')}`,
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    `List-Help: ${request('help')}`,
    'Precedence: list',
  ];
}

const REPLACED = ['list-id', 'list-post', 'list-unsubscribe', 'list-unsubscribe-post', 'list-help', 'list-subscribe', 'list-owner', 'list-archive', 'precedence'];

/** The list's copy of a post: List-* fields, subject prefix, Reply-To per the list's setting. */
export function listCopy(raw: Buffer, list: ListInfo, webHost: string): Buffer {
  const { header, body } = splitMessage(raw);
  let h = removeFields(header, list.replyTo === 'list' ? [...REPLACED, 'reply-to'] : REPLACED);
  const prefix = list.subjectPrefix?.trim();
  if (prefix) {
    const subject = fieldValue(h, 'subject');
    if (subject === undefined) h += `Subject: ${prefix}\r\n`;
    else if (!subject.includes(prefix)) h = replaceFieldValue(h, 'subject', `${prefix} ${subject}`);
  }
  const added = [...listFields(list, webHost), ...(list.replyTo === 'list' ? [`Reply-To: <${list.address}>`] : [])];
  return joinMessage(h + added.map((f) => `${f}\r\n`).join(''), body);
}
