import type { OutboundRecipientInput, Store } from '@mailstead/store';
import type { DeliveryPart } from '../recipients/delivery-plan';
import { joinMessage, removeFields, splitMessage } from '../message/message-headers';
import { smtpReply, type SmtpReply } from '../smtp-reply';
import type { DnsResolver } from '../steps/sender-authentication.step';
import { arcSeal, type ArcKey } from './arc-seal';
import { srsForward, srsReverse, type SrsReversal } from './srs';

export interface ForwardedPartInput {
  /** the message as it goes out: our trace fields on top (a Return-Path is removed: RFC 5321 4.4, it belongs to final delivery) */
  raw: Buffer;
  /** the envelope sender of the message we received ('' for the null sender) */
  originalSender: string;
  recipients: readonly (OutboundRecipientInput | string)[];
  /** the SRS domain: the forwarding address's own domain, or MAILSTEAD_SRS_DOMAIN */
  domain: string;
  /** the server secret (MAILSTEAD_SECRET) that keys the SRS hash */
  secret: Buffer;
  now: Date;
  /** the forwarding domain's DKIM key, for the ARC seal; null: no seal */
  arcKey: ArcKey | null;
  /** our authserv-id (the host name), whose Authentication-Results become the ARC-Authentication-Results */
  authServId: string;
  /** the sender is in one of our own domains: SPF already passes for us, it is not rewritten */
  senderIsOurs?: boolean;
  /** RFC 3461 ENVID and RET of the received message, kept for the forwarded copy */
  dsn?: { envid: string | null; ret: 'FULL' | 'HDRS' | null } | null;
  /** DNS for verifying an ARC chain the message already carries */
  resolver?: DnsResolver;
}

/**
 * The outbound part of one forwarded message (a remote alias destination, a Sieve redirect, a
 * bounce to an SRS address on its way back), for the same deliverBatch as the local copies:
 * envelope sender rewritten with SRS (the null sender stays null), bytes ARC-sealed with the
 * forwarding domain's key (RFC 8617). The delivery worker then adds our DKIM signature on top,
 * with the key of the SRS sender's domain (the From domain is the original author's).
 */
export async function forwardedPart(input: ForwardedPartInput): Promise<DeliveryPart> {
  const { header, body } = splitMessage(input.raw);
  const withoutReturnPath = removeFields(header, ['return-path']);
  const raw = withoutReturnPath === header ? input.raw : joinMessage(withoutReturnPath, body);
  const sealed = input.arcKey ? await arcSeal(raw, { key: input.arcKey, authServId: input.authServId, resolver: input.resolver, now: input.now }) : raw;
  const sender = input.senderIsOurs ? input.originalSender : srsForward(input.originalSender, input.domain, { secret: input.secret }, input.now);
  return {
    raw: sealed,
    targets: [],
    options: {
      outbound: {
        sender,
        recipients: input.recipients.map((r) => (typeof r === 'string' ? { address: r } : r)),
        envelopeId: input.dsn?.envid ?? null,
        ret: input.dsn?.ret ?? null,
      },
    },
  };
}

export interface ForwardingSettings {
  /** the server secret (MAILSTEAD_SECRET) */
  secret: Buffer;
  /** MAILSTEAD_SRS_DOMAIN; null: each forwarding address's own domain */
  srsDomain: string | null;
  /** MAILSTEAD_SRS_MAX_AGE in days: SRS0 addresses older than this are refused */
  maxAgeDays: number;
  /** our host name: the authserv-id of our Authentication-Results */
  hostname: string;
  /** DNS for verifying ARC chains forwarded messages already carry (default: the system's) */
  resolver?: DnsResolver;
  /** the clock (tests) */
  now?: () => Date;
}

/** What the Sieve redirect, the remote alias destinations and the MX's SRS check share. */
export class Forwarding {
  constructor(
    private readonly store: Pick<Store, 'outbound' | 'recipients'>,
    readonly settings: ForwardingSettings,
  ) {}

  private now(): Date {
    return this.settings.now?.() ?? new Date();
  }

  /** The domain the envelope sender of mail forwarded by `forwardingAddress` is rewritten into. */
  srsDomainFor(forwardingAddress: string): string {
    return (this.settings.srsDomain ?? forwardingAddress.slice(forwardingAddress.lastIndexOf('@') + 1)).toLowerCase();
  }

  /** Where mail to an SRS address of ours goes, or why it is refused. */
  reverse(address: string): SrsReversal {
    return srsReverse(address, { secret: this.settings.secret, maxAgeDays: this.settings.maxAgeDays }, this.now());
  }

  /**
   * The outbound part forwarding `raw` (received from `originalSender`) to `recipients` on
   * behalf of the local address `forwardingAddress` (the alias, or the account whose Sieve
   * script redirects): SRS sender in the forwarding domain unless the sender is already one of
   * ours, ARC seal with that domain's DKIM key when it has one.
   */
  async forwardedPart(input: {
    raw: Buffer;
    originalSender: string;
    recipients: readonly (OutboundRecipientInput | string)[];
    forwardingAddress: string;
    dsn?: ForwardedPartInput['dsn'];
  }): Promise<DeliveryPart> {
    const domain = this.srsDomainFor(input.forwardingAddress);
    const senderDomain = input.originalSender.includes('@') ? input.originalSender.slice(input.originalSender.lastIndexOf('@') + 1) : '';
    const senderIsOurs = senderDomain !== '' && (await this.store.recipients.localDomain(senderDomain)) !== null;
    return forwardedPart({
      ...input,
      domain,
      secret: this.settings.secret,
      now: this.now(),
      arcKey: await this.arcKey(domain, input.forwardingAddress),
      authServId: this.settings.hostname,
      senderIsOurs,
      resolver: this.settings.resolver,
    });
  }

  /** The SRS domain's DKIM key, else the forwarding address's domain's. */
  private async arcKey(domain: string, forwardingAddress: string): Promise<ArcKey | null> {
    const own = forwardingAddress.slice(forwardingAddress.lastIndexOf('@') + 1).toLowerCase();
    for (const d of domain === own ? [domain] : [domain, own]) {
      const key = await this.store.outbound.dkimKey(d);
      if (key) return { domain: d, selector: key.selector, privateKey: key.privateKey };
    }
    return null;
  }
}

/** RCPT to an SRS address of ours that we did not make, or made too long ago. */
export function srsRefusal(reason: Exclude<SrsReversal, { ok: true }>['reason'], maxAgeDays: number): SmtpReply {
  switch (reason) {
    case 'expired':
      return smtpReply(550, '5.7.1', `Expired SRS address: bounces to forwarded mail are accepted for ${maxAgeDays} days`);
    case 'forged':
      return smtpReply(550, '5.7.1', 'Invalid SRS address: its signature is not ours');
    case 'malformed':
      return smtpReply(550, '5.7.1', 'Invalid SRS address: malformed');
  }
}
