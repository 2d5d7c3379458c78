import { addressKey, splitAddress, type AddressEntry, type Store } from '@mailstead/store';
import { REPLIES, smtpReply, type SmtpReply } from '../smtp-reply';
import { srsRefusal, type Forwarding } from '../forwarding/forwarded-part';
import { isSrsLocalPart } from '../forwarding/srs';

/** Alias and list nesting deeper than this is treated as a loop and cut off. */
export const MAX_EXPANSION_DEPTH = 10;
/** Most final destinations one address may expand to (a list with more members is cut off and logged). */
export const MAX_EXPANSION_SIZE = 10_000;

export interface LocalMailbox {
  accountId: number;
  /** the account's address */
  address: string;
  mailboxId: number;
  /** the folder plus-addressing chose, when it exists */
  folder: string | null;
  quotaBytes: bigint;
  usedBytes: bigint;
  /** messages the account holds, when the resolver has a message limit (else null: not counted) */
  messageCount: number | null;
}

export type ListInfo = NonNullable<AddressEntry['list']>;

export interface ListDelivery {
  list: ListInfo;
  /** moderated list: the post waits in the moderation queue instead of going out */
  held: boolean;
  mailboxes: LocalMailbox[];
  remote: string[];
  /**
   * Which list membership brought each recipient in (`account:<id>` / `remote:<address key>`):
   * the list (this one, or a nested one) and the member address as that list stores it, which is
   * what the recipient's unsubscribe link removes.
   */
  via?: Map<string, ListMembership>;
}

export interface ListMembership {
  listId: number;
  address: string;
}

export const viaKey = {
  account: (accountId: number) => `account:${accountId}`,
  remote: (address: string) => `remote:${addressKey(address)}`,
};

type ExpandState = { depth: number; seen: Set<string>; inList: ListDelivery | null; folder: string | null; member?: ListMembership };

/** Where one RCPT address goes. */
export interface Resolution {
  address: string;
  /** the address's domain is one of ours */
  local: boolean;
  /** local mailboxes that get the message as sent (account, aliases, catch-all, plus-addressing) */
  mailboxes: LocalMailbox[];
  /** remote addresses: the recipient itself, or remote alias destinations */
  remote: string[];
  /** mailing lists reached, each with its own expansion */
  lists: ListDelivery[];
  /** a list's bounce address (`<list>-bounces@`): DSNs here count member bounces, nothing is stored */
  listBounce?: { id: number; address: string };
}

export type ResolveOutcome = { ok: true; resolution: Resolution } | { ok: false; reply: SmtpReply };

export interface ResolveContext {
  /** envelope sender (MAIL FROM), "" for the null sender: checked against list policies */
  sender: string;
  /** declared message size (MAIL FROM SIZE=), checked against quotas */
  size?: number;
}

interface Collected {
  mailboxes: Map<number, LocalMailbox>;
  remote: Set<string>;
  lists: Map<number, ListDelivery>;
  count: number;
  /** domain -> ours? for this one resolution (aliases and lists name the same domains again and again) */
  domains: Map<string, boolean>;
}

const newCollected = (): Collected => ({ mailboxes: new Map(), remote: new Set(), lists: new Map(), count: 0, domains: new Map() });

/**
 * The one recipient resolver (SMTP RCPT, the API's address checks, the CLI): account (with
 * plus-addressing), alias (one or many destinations, local or remote), catch-all, mailing
 * list (with its policy). Alias chains and list-in-list are followed at most
 * MAX_EXPANSION_DEPTH deep, and every address is expanded once per message, so loops end and
 * nobody gets two copies.
 */
export class RecipientResolver {
  /** Most messages an account may hold (MAILSTEAD_IMAP_MESSAGE_QUOTA); 0 = no limit. */
  readonly messageLimit: number;

  constructor(
    private readonly store: Store,
    options: { messageLimit?: number; postmaster?: string; forwarding?: Forwarding } = {},
  ) {
    this.messageLimit = options.messageLimit ?? 0;
    this.postmaster = options.postmaster;
    this.forwarding = options.forwarding ?? null;
  }

  /** SRS and ARC for forwarded mail (forwarding/); null: forwarded mail keeps its sender and bounces to SRS addresses are unknown users. */
  readonly forwarding: Forwarding | null;

  /** Where postmaster mail goes when no address of that name exists (the first admin's). */
  private readonly postmaster: string | undefined;

  /** The directory lookup, counting the account's messages only when there is a limit to hold them to. */
  private lookup(key: string): Promise<AddressEntry> {
    return this.store.recipients.lookup(key, { messageCount: this.messageLimit > 0 });
  }

  /** Whether the domain is one we receive mail for. */
  async isLocalDomain(domain: string): Promise<boolean> {
    return (await this.store.recipients.localDomain(domain)) !== null;
  }

  async resolve(address: string, ctx: ResolveContext): Promise<ResolveOutcome> {
    // RFC 5321 4.5.1: "postmaster" without a domain MUST be accepted, as postmaster of ours;
    // and postmaster@ each of our domains reaches someone even when nobody set it up.
    if (this.postmaster && address.toLowerCase() === 'postmaster') {
      return this.resolve(`postmaster@${splitAddress(this.postmaster)!.domain}`, ctx);
    }
    const outcome = await this.resolveAddress(address, ctx);
    if (!outcome.ok && this.postmaster && outcome.reply.responseCode === 550 && outcome.reply.enhancedCode === '5.1.1' && /^postmaster@/i.test(address)) {
      const fallback = await this.resolveAddress(this.postmaster, ctx);
      if (fallback.ok) return { ok: true, resolution: { ...fallback.resolution, address } };
    }
    return outcome;
  }

  private async resolveAddress(address: string, ctx: ResolveContext): Promise<ResolveOutcome> {
    const parts = splitAddress(address);
    if (!parts) {
      // an SRS local part holds a whole address and may pass RFC 5321's 64 octets (4.5.3.1.1), as libsrs2's do
      const at = address.lastIndexOf('@');
      const domain = address.slice(at + 1);
      if (this.forwarding && at > 0 && isSrsLocalPart(address) && splitAddress(`srs@${domain}`) && (await this.isLocalDomain(domain))) return this.resolveSrs(address, ctx);
      return { ok: false, reply: smtpReply(501, '5.1.3', 'Bad recipient address syntax') };
    }
    // one round trip tells the domain and what the address is (used by expand below)
    const entry = await this.lookup(address);
    const domain = entry.domain;
    if (!domain) return { ok: true, resolution: { address, local: false, mailboxes: [], remote: [address], lists: [] } };
    if (!domain.enabled) return { ok: false, reply: REPLIES.disabled() };
    const listBounce = await this.store.listBounces.listForBounceAddress(address);
    if (listBounce) return { ok: true, resolution: { address, local: true, mailboxes: [], remote: [], lists: [], listBounce } };
    if (this.forwarding && isSrsLocalPart(parts.local) && !entry.account && !entry.alias && !entry.list) return this.resolveSrs(address, ctx);

    const out = newCollected();
    out.domains.set(parts.domain, true);
    const rejection = await this.expand(address, out, ctx, { depth: 0, seen: new Set(), inList: null, folder: null }, entry);
    if (rejection) return { ok: false, reply: rejection };
    if (out.mailboxes.size === 0 && out.remote.size === 0 && out.lists.size === 0) {
      // every path led back to an address already expanded (a pure alias loop)
      return { ok: false, reply: smtpReply(550, '5.4.6', 'Alias loop: no destination for this address') };
    }
    const resolution: Resolution = {
      address,
      local: true,
      mailboxes: [...out.mailboxes.values()],
      remote: [...out.remote],
      lists: [...out.lists.values()],
    };
    // Quota at RCPT time (RFC 5321 4.5.3.1.10 / RFC 3463 X.2.2): full -> 452 4.2.2 (try later),
    // a declared SIZE larger than the whole quota -> 552 5.2.2 (will never fit). Full also means
    // holding the message limit already, as Dovecot refuses such deliveries.
    for (const box of resolution.mailboxes) {
      const verdict = quotaVerdict(box, ctx.size ?? 0, this.messageLimit);
      if (verdict) return { ok: false, reply: verdict };
    }
    return { ok: true, resolution };
  }

  /**
   * The reverse path of mail we forwarded (forwarding/srs.ts): an SRS address whose hash we made
   * and whose age is within the limit goes back to the address it encodes, relayed even for an
   * unauthenticated client (it is our own address); anything else is refused, so nobody can use
   * the forwarder to reach arbitrary addresses.
   */
  private async resolveSrs(address: string, ctx: ResolveContext): Promise<ResolveOutcome> {
    const forwarding = this.forwarding!;
    const reversal = forwarding.reverse(address);
    if (!reversal.ok) return { ok: false, reply: srsRefusal(reversal.reason, forwarding.settings.maxAgeDays) };
    if (await this.isLocalDomain(reversal.address.slice(reversal.address.lastIndexOf('@') + 1))) {
      const inner = await this.resolveAddress(reversal.address, ctx);
      return inner.ok ? { ok: true, resolution: { ...inner.resolution, address } } : inner;
    }
    return { ok: true, resolution: { address, local: true, mailboxes: [], remote: [reversal.address], lists: [] } };
  }

  /** Members of a list expanded to final addresses (EXPN for authenticated users). */
  async expandList(address: string): Promise<string[] | null> {
    const entry = await this.store.recipients.lookup(address);
    if (!entry.list) return null;
    return this.store.recipients.listMembers(entry.list.id);
  }

  /** A list's current members as a delivery (used when a moderator approves a held post). */
  async expandListMembers(listAddress: string): Promise<ListDelivery> {
    const entry = await this.store.recipients.lookup(listAddress);
    if (!entry.list) throw new Error(`list ${listAddress} not found`);
    const delivery: ListDelivery = { list: entry.list, held: false, mailboxes: [], remote: [] };
    const members = await this.store.recipients.listMembers(entry.list.id);
    await this.expandAll(members, newCollected(), { sender: '' }, { depth: 1, seen: new Set([addressKey(listAddress)]), inList: delivery, folder: null }, true, entry.list.id);
    return delivery;
  }

  private async expand(
    address: string,
    out: Collected,
    ctx: ResolveContext,
    state: ExpandState,
    prefetched?: AddressEntry,
  ): Promise<SmtpReply | null> {
    const key = addressKey(address);
    if (state.seen.has(key) || state.depth > MAX_EXPANSION_DEPTH || out.count >= MAX_EXPANSION_SIZE) return null;
    state.seen.add(key);
    const parts = splitAddress(address);
    if (!parts) return smtpReply(501, '5.1.3', 'Bad recipient address syntax');
    let local = out.domains.get(parts.domain);
    if (local === undefined) {
      local = await this.isLocalDomain(parts.domain);
      out.domains.set(parts.domain, local);
    }
    if (!local) {
      addRemote(out, state.inList, address, state.member);
      return null;
    }
    const entry = prefetched ?? (await this.lookup(key));
    const next = { ...state, depth: state.depth + 1, folder: null };

    if (entry.account) {
      if (!entry.account.enabled || !entry.account.domainEnabled) return REPLIES.disabled();
      const folderBox = state.folder ? await this.store.recipients.mailboxId(entry.account.id, { name: state.folder }) : null;
      const mailboxId = folderBox ?? entry.account.inboxId;
      if (mailboxId === null) return REPLIES.localError();
      const target = state.inList ? state.inList.mailboxes : null;
      const box: LocalMailbox = {
        accountId: entry.account.id,
        address: entry.account.address,
        mailboxId,
        folder: folderBox ? state.folder : null,
        quotaBytes: entry.account.quotaBytes,
        usedBytes: entry.account.usedBytes,
        messageCount: entry.account.messageCount,
      };
      if (target) {
        if (!target.some((m) => m.accountId === box.accountId)) {
          target.push(box);
          if (state.member) (state.inList!.via ??= new Map()).set(viaKey.account(box.accountId), state.member);
        }
      } else if (!out.mailboxes.has(box.accountId)) {
        out.mailboxes.set(box.accountId, box);
      }
      out.count++;
      return null;
    }

    if (entry.alias?.enabled) return this.expandAll(entry.alias.destinations, out, ctx, next);

    if (entry.list) {
      if (state.inList) {
        // list-in-list: the outer list admitted the post; members join the outer list's copy
        const members = await this.store.recipients.listMembers(entry.list.id);
        await this.expandAll(members, out, ctx, next, true, entry.list.id);
        return null;
      }
      const policyReply = await this.checkPolicy(entry.list, ctx.sender);
      if (policyReply) return policyReply;
      const delivery: ListDelivery = out.lists.get(entry.list.id) ?? { list: entry.list, held: entry.list.policy === 'moderated', mailboxes: [], remote: [] };
      out.lists.set(entry.list.id, delivery);
      if (!delivery.held) {
        const members = await this.store.recipients.listMembers(entry.list.id);
        // members are expanded in their own "seen" set: being a direct recipient too does not
        // keep someone off the list copy (the direct copy is dropped instead, see delivery plan)
        await this.expandAll(members, out, ctx, { depth: state.depth + 1, seen: new Set([key]), inList: delivery, folder: null }, true, entry.list.id);
      }
      return null;
    }

    // plus-addressing: user+tag@domain -> user@domain, filed into folder "tag" if it exists
    const plus = parts.local.indexOf('+');
    if (plus > 0 && state.folder === null) {
      const base = `${parts.local.slice(0, plus)}@${parts.domain}`;
      const baseEntry = await this.lookup(base);
      if (baseEntry.account || baseEntry.alias || baseEntry.list) {
        return this.expand(base, out, ctx, { ...state, folder: parts.local.slice(plus + 1) || null });
      }
    }

    const catchAll = await this.lookup(`@${parts.domain}`);
    if (catchAll.alias?.enabled) return this.expandAll(catchAll.alias.destinations, out, ctx, next);
    return REPLIES.unknownUser();
  }

  /**
   * Expands every destination. One bad destination of an alias does not refuse the alias:
   * only when none of them delivers anywhere is the first refusal returned.
   */
  private async expandAll(
    destinations: string[],
    out: Collected,
    ctx: ResolveContext,
    state: ExpandState,
    forgiving = false,
    membersOf?: number,
  ): Promise<SmtpReply | null> {
    let first: SmtpReply | null = null;
    const before = out.count + out.remote.size;
    for (const destination of destinations) {
      // the members of a list: each brings in its recipients as that list's member
      const member = membersOf !== undefined ? { listId: membersOf, address: addressKey(destination) } : state.member;
      const reply = await this.expand(destination, out, ctx, { ...state, seen: state.seen, member });
      first ??= reply;
    }
    if (forgiving) return null;
    return out.count + out.remote.size > before || !first ? null : first;
  }

  private async checkPolicy(list: ListInfo, sender: string): Promise<SmtpReply | null> {
    switch (list.policy) {
      case 'open':
      case 'moderated':
        return null;
      case 'members':
        return sender && (await this.store.recipients.isListMember(list.id, sender))
          ? null
          : smtpReply(550, '5.7.1', `Only members may post to ${list.address}`);
    }
  }
}

function addRemote(out: Collected, inList: ListDelivery | null, address: string, member?: ListMembership): void {
  if (inList) {
    if (!inList.remote.some((r) => addressKey(r) === addressKey(address))) {
      inList.remote.push(address);
      if (member) (inList.via ??= new Map()).set(viaKey.remote(address), member);
    }
  } else {
    out.remote.add(address);
  }
  out.count++;
}

/**
 * 452 4.2.2 when the mailbox is full (or this message would fill it), 552 5.2.2 when it can
 * never fit. With `messageLimit` (> 0), an account already holding that many messages is full
 * too: one more would pass it, and that is temporary (RFC 3463 X.2.2), mail may be deleted.
 */
export function quotaVerdict(box: Pick<LocalMailbox, 'quotaBytes' | 'usedBytes' | 'messageCount'>, size: number, messageLimit = 0): SmtpReply | null {
  if (box.quotaBytes > 0n && BigInt(size) > box.quotaBytes) return REPLIES.tooBigForQuota();
  if (messageLimit > 0 && box.messageCount !== null && box.messageCount >= messageLimit) return REPLIES.overQuota();
  if (box.quotaBytes === 0n) return null;
  if (box.usedBytes + BigInt(size) > box.quotaBytes || box.usedBytes >= box.quotaBytes) return REPLIES.overQuota();
  return null;
}
