import type { DeliveryStep } from '../delivery-step';
import { REPLIES } from '../smtp-reply';

/**
 * Never an open relay: a recipient outside our domains is accepted only from an authenticated
 * submitter (RFC 5321 3.6.2; Postfix's reject_unauth_destination).
 */
export const relayPolicyStep: DeliveryStep = {
  name: 'relay-policy',
  sources: ['mx', 'submission', 'webmail'],
  async recipient(envelope, recipient) {
    if (recipient.resolution.local || (envelope.source !== 'mx' && envelope.submitter)) return undefined;
    return REPLIES.relayDenied();
  },
};
