import type { DeliveryStep } from '../delivery-step';
import { quotaVerdict } from '../recipients/recipient-resolver';

/**
 * The direct recipients' quota once more, now that the size is known (RCPT knew only SIZE=).
 * Their counts are RCPT's; the store holds the message limit again atomically with each insert.
 * A recipient it no longer fits fails alone: the others get the message and the sender a DSN
 * (the pipeline refuses the message only when nobody can take it). List members are not
 * checked here: a full member's copy is skipped when the copies are made (listCopies).
 */
export function mailboxQuotaStep(messageLimit: number): DeliveryStep {
  return {
    name: 'mailbox-quota',
    sources: ['mx', 'submission', 'webmail'],
    async copy(message, copy) {
      if (copy.list) return undefined;
      const verdict = quotaVerdict(copy.mailbox, message.raw.length, messageLimit);
      if (verdict) copy.failed = verdict;
      return undefined;
    },
  };
}
