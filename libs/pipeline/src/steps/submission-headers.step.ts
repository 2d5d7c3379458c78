import { parseMessage } from '@mailstead/mime';
import type { Store } from '@mailstead/store';
import type { DeliveryStep } from '../delivery-step';
import { countFields, hasField, joinMessage, newMessageId, removeFields, rfc5322Date, splitMessage } from '../message/message-headers';
import { REPLIES, smtpReply } from '../smtp-reply';

// Something a reader takes for an address, inside a decoded display name (after NFKC, so a
// fullwidth at sign counts too).
const ADDRESS_LIKE = /[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+/g;

/** Addresses a reader would see in From: the mailboxes, and any address-like text in the (RFC 2047-decoded) names. */
function claimedSenders(from: { name: string | null; address: string | null }[]): string[] {
  const claimed = from.map((a) => a.address).filter((a): a is string => Boolean(a));
  for (const { name } of from) {
    for (const match of (name ?? '').normalize('NFKC').matchAll(ADDRESS_LIKE)) claimed.push(match[0].replace(/\.+$/, ''));
  }
  return [...new Set(claimed.map((a) => a.toLowerCase()))];
}

/**
 * Submitted mail: one From field at most (RFC 5322 3.6), and every address it shows, in its
 * mailboxes or inside a display name (decoded, RFC 2047), must be one the submitter may send as;
 * Date and Message-ID are added when missing (RFC 6409 8.2, 8.3), From when there is none. The
 * Sent copy keeps Bcc; every delivered copy loses it (RFC 5322 3.6.3).
 *
 * Two From fields, or one without any address, are malformed messages whoever sends them:
 * 550 5.6.0 (RFC 3463: media error). An address the submitter does not own is an authorization
 * failure: 553 5.7.1, as for the envelope sender.
 */
export function submissionHeadersStep(store: Pick<Store, 'accounts'>, hostname: string): DeliveryStep {
  return {
    name: 'submission-headers',
    sources: ['submission', 'webmail'],
    async message(message) {
      const submitter = message.envelope.submitter;
      if (!submitter) return REPLIES.authRequired();
      const { header, body } = splitMessage(message.raw);
      const parsed = parseMessage(Buffer.from(`${header}\r\n`, 'latin1'));
      const fromFields = countFields(header, 'from');
      if (fromFields > 1) return smtpReply(550, '5.6.0', 'A message has one From: field (RFC 5322 3.6)');
      for (const address of claimedSenders(parsed.from)) if (!(await store.accounts.canSendAs(submitter.accountId, address))) return REPLIES.notOwner();
      if (fromFields === 1 && !parsed.from.some((a) => a.address)) return smtpReply(550, '5.6.0', 'The From: field has no address');
      const added: string[] = [];
      if (fromFields === 0) added.push(`From: <${message.envelope.sender}>`);
      if (!hasField(header, 'date')) added.push(`Date: ${rfc5322Date()}`);
      if (!hasField(header, 'message-id')) added.push(`Message-ID: ${newMessageId(hostname)}`);
      const completedHeader = header + added.map((f) => `${f}\r\n`).join('');
      const completed = added.length > 0 ? joinMessage(completedHeader, body) : message.raw;
      message.sentCopy = completed;
      const withoutBcc = removeFields(completedHeader, ['bcc']);
      message.raw = withoutBcc === completedHeader ? completed : joinMessage(withoutBcc, body);
      return undefined;
    },
  };
}
