import type { Store } from '@mailstead/store';
import type { DeliveryStep } from '../delivery-step';
import { REPLIES } from '../smtp-reply';

/**
 * Submission (RFC 6409 4.2 / 6.1): the sender must be authenticated, and MAIL FROM must be an
 * address it may send as (its own, an alias that reaches it, or one an admin granted it).
 */
export function senderOwnershipStep(store: Pick<Store, 'accounts'>): DeliveryStep {
  return {
    name: 'sender-ownership',
    sources: ['submission', 'webmail'],
    async sender(envelope) {
      if (!envelope.submitter) return REPLIES.authRequired();
      if (!envelope.sender || !(await store.accounts.canSendAs(envelope.submitter.accountId, envelope.sender))) return REPLIES.notOwner();
      return undefined;
    },
  };
}
