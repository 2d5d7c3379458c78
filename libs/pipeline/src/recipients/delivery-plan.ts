import type { ParsedMessage } from '@mailstead/mime';
import { addressKey, type DeliveryOptions, type DeliveryTarget, type OutboundRecipientInput } from '@mailstead/store';
import type { LocalCopy } from '../delivery-step';
import type { ListDelivery, LocalMailbox, Resolution } from './recipient-resolver';
import { quotaVerdict, viaKey } from './recipient-resolver';
import { listBounceAddress, listCopy } from '../lists/list-post';
import { unsubscribeUrl } from '../lists/unsubscribe-token';
import { prependFields } from '../message/message-headers';
import type { Forwarding } from '../forwarding/forwarded-part';
import type { Envelope } from '../delivery-step';

/** One version of the message and where it goes: the unit of MessageRepository.deliverBatch. */
export interface DeliveryPart {
  raw: Buffer;
  /** parseMessage(raw) when already known, so the store does not parse the copy again */
  parsed?: ParsedMessage;
  targets: DeliveryTarget[];
  options?: Pick<DeliveryOptions, 'outbound' | 'limits' | 'skipOverQuota' | 'vacationClaim' | 'scriptErrorClaim'>;
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
  /** remote recipients the client named */
  remote: OutboundRecipientInput[];
  /** remote destinations of local addresses (aliases, catch-alls, SRS bounces going back), by the local address's domain */
  forwarded: ForwardedRecipients[];
  lists: ListDelivery[];
}

export interface ForwardedRecipients {
  /** the local address that forwards (the first RCPT that led to these destinations) */
  via: string;
  recipients: OutboundRecipientInput[];
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
  const forwarded = new Map<string, { via: string; recipient: OutboundRecipientInput }>();
  for (const r of recipients) {
    for (const m of r.resolution.mailboxes) if (!onLists.has(m.accountId) && !mailboxes.has(m.accountId)) mailboxes.set(m.accountId, m);
    for (const a of r.resolution.remote) {
      const key = addressKey(a);
      if (remoteOnLists.has(key) || remote.has(key)) continue;
      // DSN ORCPT belongs to the address the client named; alias destinations keep its NOTIFY
      const named = addressKey(r.resolution.address) === key;
      const recipient = { address: a, notify: r.notify ?? [], orcpt: named ? (r.orcpt ?? null) : (r.orcpt ?? `rfc822;${r.resolution.address}`) };
      // a remote address reached through a local one is forwarded mail (SRS, ARC); named directly, it is not
      if (r.resolution.local) {
        if (!forwarded.has(key)) forwarded.set(key, { via: r.resolution.address, recipient });
      } else {
        remote.set(key, recipient);
        forwarded.delete(key);
      }
    }
  }
  const byDomain = new Map<string, ForwardedRecipients>();
  for (const [key, f] of forwarded) {
    if (remote.has(key)) continue;
    const domain = f.via.slice(f.via.lastIndexOf('@') + 1).toLowerCase();
    const group = byDomain.get(domain) ?? { via: f.via, recipients: [] };
    group.recipients.push(f.recipient);
    byDomain.set(domain, group);
  }
  return { mailboxes: [...mailboxes.values()], remote: [...remote.values()], forwarded: [...byDomain.values()], lists: [...lists.values()] };
}

/**
 * The outbound parts for the plan's remote recipients: those the client named, with its envelope
 * sender; forwarded ones through `forwarding` (SRS sender, ARC seal: forwarding/forwarded-part.ts),
 * one part per forwarding domain. Without forwarding, they all go in one part with the sender as given.
 */
export async function remoteParts(rawWithTrace: Buffer, plan: Plan, envelope: Envelope, forwarding: Forwarding | null): Promise<DeliveryPart[]> {
  const dsn = { envelopeId: envelope.dsn?.envid ?? null, ret: envelope.dsn?.ret ?? null };
  const direct = forwarding ? plan.remote : [...plan.remote, ...plan.forwarded.flatMap((f) => f.recipients)];
  const parts: DeliveryPart[] = direct.length > 0 ? [{ raw: rawWithTrace, targets: [], options: { outbound: { sender: envelope.sender, recipients: direct, ...dsn } } }] : [];
  if (forwarding) {
    for (const group of plan.forwarded) {
      parts.push(await forwarding.forwardedPart({ raw: rawWithTrace, originalSender: envelope.sender, recipients: group.recipients, forwardingAddress: group.via, dsn: envelope.dsn }));
    }
  }
  return parts;
}

/** What list copies need to carry working one-click unsubscribe links (RFC 8058). */
export interface ListLinks {
  /** public HTTPS base URL of the API, e.g. https://mail.example.org */
  publicUrl: string;
  /** the server secret that signs the links */
  secret: Buffer;
}

/**
 * The copies of one list post: each member gets its own, because its List-Unsubscribe link
 * names that member (RFC 8058 one-click needs the URI alone to identify the recipient), so a
 * post is one blob per member rather than one per list. Local members get Return-Path (the
 * list's bounce address) and a Delivered-To naming them; remote members get one outbound row
 * each, with the list's bounce address as envelope sender. Without `links`, there is no
 * working unsubscribe endpoint to point at and the copies carry no List-Unsubscribe.
 * A local member over its storage quota or `messageLimit` is left out, both here (as
 * resolved) and, for a member filled since, by the store (`skipOverQuota`, see copyPart).
 */
export function listCopies(rawWithTrace: Buffer, delivery: ListDelivery, opts: { links?: ListLinks; messageLimit?: number }): { local: LocalCopy[]; outbound: DeliveryPart[] } {
  const bounce = listBounceAddress(delivery.list);
  const copyFor = (viaKeyName: string, fallback: string): Buffer => {
    const member = delivery.via?.get(viaKeyName) ?? { listId: delivery.list.id, address: fallback };
    return listCopy(rawWithTrace, delivery.list, opts.links ? unsubscribeUrl(opts.links.publicUrl, opts.links.secret, { listId: member.listId, member: member.address }) : null);
  };
  const local: LocalCopy[] = [];
  for (const m of delivery.mailboxes) {
    const copy = copyFor(viaKey.account(m.accountId), m.address);
    // a full mailbox on a list does not hold up the post for everyone else
    if (quotaVerdict(m, copy.length, opts.messageLimit)) continue;
    local.push({ mailbox: m, list: delivery.list, raw: prependFields(copy, [`Return-Path: <${bounce}>`, `Delivered-To: ${m.address}`]), mailboxId: m.mailboxId, flags: [] });
  }
  const outbound: DeliveryPart[] = delivery.remote.map((address) => ({ raw: copyFor(viaKey.remote(address), address), targets: [], options: { outbound: { sender: bounce, recipients: [{ address }] } } }));
  return { local, outbound };
}

/**
 * A local copy as the store delivers it: held to the message limit in its insert statement; a
 * list member's copy over a limit is left out rather than failing the transaction.
 */
export function copyPart(copy: LocalCopy, messageLimit: number): DeliveryPart {
  const targets: DeliveryTarget[] = copy.into
    ? copy.into.map((t) => ('create' in t ? { mailboxId: 0, create: t.create, flags: t.flags } : { mailboxId: t.mailboxId, flags: t.flags }))
    : [{ mailboxId: copy.mailboxId, ...(copy.flags.length > 0 ? { flags: copy.flags } : {}) }];
  return {
    raw: copy.raw,
    parsed: copy.parsed,
    targets,
    options: { limits: { messageLimit }, ...(copy.list ? { skipOverQuota: true } : {}) },
  };
}
