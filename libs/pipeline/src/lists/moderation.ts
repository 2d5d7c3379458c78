import type { Store } from '@mailstead/store';
import { copyPart, listCopies, type ListLinks } from '../recipients/delivery-plan';
import type { RecipientResolver } from '../recipients/recipient-resolver';

/**
 * Approves a held list post: claims it (only one approver wins), expands the list's members
 * now and stores their copies and outbound rows in one transaction. If storing fails the post
 * goes back to pending.
 */
export async function approveModeratedPost(store: Store, resolver: RecipientResolver, id: number, links: ListLinks | undefined): Promise<{ delivered: number; outboundIds: bigint[] }> {
  const item = await store.recipients.claimModeration(id);
  try {
    const delivery = await resolver.expandListMembers(item.listAddress);
    const copies = listCopies(item.raw, delivery, { links, messageLimit: resolver.messageLimit });
    const parts = [...copies.local.map((c) => copyPart(c, resolver.messageLimit)), ...copies.outbound];
    const results = parts.length > 0 ? await store.messages.deliverBatch(parts) : [];
    return { delivered: results.reduce((n, r) => n + r.stored.length, 0), outboundIds: results.flatMap((r) => r.outboundIds) };
  } catch (error) {
    await store.recipients.releaseModeration(id);
    throw error;
  }
}

export async function rejectModeratedPost(store: Store, id: number, reason: string | null = null): Promise<void> {
  await store.recipients.rejectModeration(id, reason);
}
