import type { Store } from '@mailstead/store';
import type { DeliveryStep, MessageUnderCheck } from '../delivery-step';

/**
 * A message a check marked as junk (today: DMARC failure with p=quarantine, or p=reject when
 * rejecting is off) is filed in each recipient's Junk mailbox, when it has one.
 */
export function junkFilingStep(store: Pick<Store, 'recipients'>): DeliveryStep {
  // one lookup per account and message (a list post has many copies for few accounts)
  const junkByMessage = new WeakMap<MessageUnderCheck, Map<number, Promise<number | null>>>();
  return {
    name: 'junk-filing',
    sources: ['mx'],
    async copy(message, copy) {
      if (!message.junk) return undefined;
      let byAccount = junkByMessage.get(message);
      if (!byAccount) junkByMessage.set(message, (byAccount = new Map()));
      const accountId = copy.mailbox.accountId;
      let junk = byAccount.get(accountId);
      if (!junk) byAccount.set(accountId, (junk = store.recipients.mailboxId(accountId, { specialUse: '\\Junk' })));
      const mailboxId = await junk;
      if (mailboxId !== null) copy.mailboxId = mailboxId;
      return undefined;
    },
  };
}
