import { parseMessage } from '@mailstead/mime';
import type { Store } from '@mailstead/store';
import type { DeliveryStep } from '../delivery-step';
import { hasField, joinMessage, newMessageId, removeFields, rfc5322Date, splitMessage } from '../message/message-headers';
import { REPLIES } from '../smtp-reply';

/**
 * Submitted mail: every From: address must be one the submitter may send as; Date and
 * Message-ID are added when missing (RFC 6409 8.2, 8.3), From when there is none. The Sent copy
 * keeps Bcc; every delivered copy loses it (RFC 5322 3.6.3).
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
      const from = parsed.from.map((a) => a.address).filter((a): a is string => Boolean(a));
      for (const address of from) if (!(await store.accounts.canSendAs(submitter.accountId, address))) return REPLIES.notOwner();
      const added: string[] = [];
      if (from.length === 0) added.push(`From: <${message.envelope.sender}>`);
      if (!hasField(header, 'date')) added.push(`Date: ${rfc5322Date()}`);
      if (!hasField(header, 'message-id')) added.push(`Message-ID: ${newMessageId(hostname)}`);
      const completed = added.length > 0 ? joinMessage(header + added.map((f) => `${f}\r\n`).join(''), body) : message.raw;
      message.sentCopy = completed;
      const split = splitMessage(completed);
      const withoutBcc = removeFields(split.header, ['bcc']);
      message.raw = withoutBcc === split.header ? completed : joinMessage(withoutBcc, split.body);
      return undefined;
    },
  };
}
