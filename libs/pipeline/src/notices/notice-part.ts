import type { Store } from '@mailstead/store';
import type { Forwarding } from '../forwarding/forwarded-part';
import { isSrsLocalPart } from '../forwarding/srs';
import type { DeliveryPart } from '../recipients/delivery-plan';

/**
 * Where an automatic notice (a DSN, a moderator's rejection) to `address` goes, as a part for
 * deliverBatch: into the INBOX of a local account (with `Return-Path: <>`), else out from the
 * null sender with NOTIFY=NEVER, so that it can never bounce back (RFC 3464 2, RFC 5321 6.1,
 * RFC 3834 5). A local address without a mailbox (an alias, a list, nobody) gets nothing: null.
 * An SRS address of ours (the envelope sender of mail we forwarded) is reversed with
 * `forwarding`, as our MX would reverse a remote bounce to it: the notice goes to the address
 * it encodes, never to one we cannot verify (a forged or expired SRS address gets nothing).
 */
export async function noticePart(
  store: Pick<Store, 'accounts' | 'mailboxes' | 'domains'>,
  address: string,
  notice: Buffer,
  forwarding?: Pick<Forwarding, 'reverse'> | null,
): Promise<DeliveryPart | null> {
  const account = await store.accounts.findByAddress(address);
  if (account) {
    const inbox = await store.mailboxes.findByName(account.id, 'INBOX');
    if (inbox) return { raw: Buffer.concat([Buffer.from('Return-Path: <>\r\n'), notice]), targets: [{ mailboxId: inbox.id }] };
  }
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (await store.domains.findByName(domain)) {
    if (!forwarding || !isSrsLocalPart(address.slice(0, address.lastIndexOf('@')))) return null;
    const reversal = forwarding.reverse(address);
    return reversal.ok ? noticePart(store, reversal.address, notice, forwarding) : null;
  }
  return { raw: notice, targets: [], options: { outbound: { sender: '', recipients: [{ address, notify: ['NEVER'] }] } } };
}
