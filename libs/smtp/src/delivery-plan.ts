import { addressKey, type DeliveryTarget, type OutboundRecipientInput, type Store } from '@mailstead/store';
import type { ListDelivery, LocalMailbox, Resolution } from './recipient-resolver';
import { quotaVerdict } from './recipient-resolver';
import { listBounceAddress, listCopy } from './list-post';
import { prependFields } from './message-headers';

/** One version of the message and where it goes: the unit of MessageRepository.deliverBatch. */
export interface DeliveryPart {
  raw: Buffer;
  targets: DeliveryTarget[];
  options?: { outbound?: { sender: string; recipients: OutboundRecipientInput[]; envelopeId?: string | null; ret?: 'FULL' | 'HDRS' | null } };
}

export interface RecipientInput {
  resolution: Resolution;
  /** RFC 3461 NOTIFY / ORCPT given with this RCPT */
  notify?: string[];
  orcpt?: string | null;
}

/** What the accepted recipients add up to, deduplicated. */
export interface Plan {
  mailboxes: LocalMailbox[];
  remote: OutboundRecipientInput[];
  lists: ListDelivery[];
}

/**
 * Merges the RCPTs of one transaction: each account once, each remote address once, each list
 * once. Someone who gets a list's copy does not also get the direct copy (members get a post
 * once even when they are also named directly).
 */
export function mergeRecipients(recipients: RecipientInput[]): Plan {
  const lists = new Map<number, ListDelivery>();
  for (const r of recipients) {
    for (const l of r.resolution.lists) {
      const seen = lists.get(l.list.id);
      if (!seen) lists.set(l.list.id, { ...l, mailboxes: [...l.mailboxes], remote: [...l.remote] });
    }
  }
  const onLists = new Set<number>();
  const remoteOnLists = new Set<string>();
  for (const l of lists.values()) {
    if (l.held) continue;
    for (const m of l.mailboxes) onLists.add(m.accountId);
    for (const a of l.remote) remoteOnLists.add(addressKey(a));
  }
  const mailboxes = new Map<number, LocalMailbox>();
  const remote = new Map<string, OutboundRecipientInput>();
  for (const r of recipients) {
    for (const m of r.resolution.mailboxes) if (!onLists.has(m.accountId) && !mailboxes.has(m.accountId)) mailboxes.set(m.accountId, m);
    for (const a of r.resolution.remote) {
      const key = addressKey(a);
      if (remoteOnLists.has(key) || remote.has(key)) continue;
      // DSN ORCPT belongs to the address the client named; alias destinations keep its NOTIFY
      const named = addressKey(r.resolution.address) === key;
      remote.set(key, { address: a, notify: r.notify ?? [], orcpt: named ? (r.orcpt ?? null) : (r.orcpt ?? `rfc822;${r.resolution.address}`) });
    }
  }
  return { mailboxes: [...mailboxes.values()], remote: [...remote.values()], lists: [...lists.values()] };
}

/** Parts for one list's copy: local members (with Return-Path) and remote members (an outbound row). */
export function listParts(rawWithTrace: Buffer, delivery: ListDelivery, opts: { webHost: string; size: number; junk?: Map<number, number> }): DeliveryPart[] {
  const copy = listCopy(rawWithTrace, delivery.list, opts.webHost);
  const bounce = listBounceAddress(delivery.list);
  const parts: DeliveryPart[] = [];
  // a full mailbox on a list does not hold up the post for everyone else
  const members = delivery.mailboxes.filter((m) => !quotaVerdict(m, copy.length));
  if (members.length > 0) {
    parts.push({
      raw: prependFields(copy, [`Return-Path: <${bounce}>`, `Delivered-To: ${delivery.list.address}`]),
      targets: members.map((m) => ({ mailboxId: opts.junk?.get(m.accountId) ?? m.mailboxId })),
    });
  }
  if (delivery.remote.length > 0) {
    parts.push({ raw: copy, targets: [], options: { outbound: { sender: bounce, recipients: delivery.remote.map((address) => ({ address })) } } });
  }
  return parts;
}

/** The Junk mailbox of each account, for mail that failed DMARC and is filed rather than refused. */
export async function junkMailboxes(store: Store, accountIds: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const id of accountIds) {
    const junk = await store.recipients.mailboxId(id, { specialUse: '\\Junk' });
    if (junk !== null) out.set(id, junk);
  }
  return out;
}
