import type { Store } from '@mailstead/store';
import { listParts, type ListLinks } from './delivery-plan';
import type { RecipientResolver } from './recipient-resolver';

/**
 * Approves a held list post: claims it (only one approver wins), expands the list's members
 * now and stores their copies and outbound rows in one transaction. If storing fails the post
 * goes back to pending.
 */
export async function approveModeratedPost(store: Store, resolver: RecipientResolver, id: number, links: ListLinks | undefined): Promise<{ delivered: number; outboundIds: bigint[] }> {
  const item = await store.recipients.claimModeration(id);
  try {
    const delivery = await resolver.expandListMembers(item.listAddress);
    const parts = listParts(item.raw, delivery, { links, size: item.raw.length, messageLimit: resolver.messageLimit });
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
