import type { DeliveryStep } from '../delivery-step';
import { quotaVerdict } from '../recipients/recipient-resolver';

/**
 * The direct recipients' quota once more, now that the size is known (RCPT knew only SIZE=).
 * Their counts are RCPT's; the store holds the message limit again atomically with each insert.
 * List members are not refused here: a full member's copy is skipped (delivery-plan listCopies).
 */
export function mailboxQuotaStep(messageLimit: number): DeliveryStep {
  return {
    name: 'mailbox-quota',
    sources: ['mx', 'submission', 'webmail'],
    async message(message) {
      for (const box of message.plan.mailboxes) {
        const verdict = quotaVerdict(box, message.raw.length, messageLimit);
        if (verdict) return verdict;
      }
      return undefined;
    },
  };
}
