import type { Greylist, NetworkList } from '@mailstead/spam';
import type { Store } from '@mailstead/store';
import type { DeliveryStep } from '../delivery-step';
import type { PipelineLogger } from '../delivery-pipeline';
import { smtpReply } from '../smtp-reply';
import { dnsAllowlisted } from './dns-lists.step';
import type { DnsResolver } from './sender-authentication.step';
import { confirmedHostDomain } from './smtp-hygiene.step';

export interface GreylistingSettings {
  greylist: Greylist;
  trusted: NetworkList;
  store: Store;
  hostname: string;
  /** the resolver SPF uses (sender-authentication's; none: the system's) */
  dnsResolver?: DnsResolver;
  logger: PipelineLogger;
}

/** SPF (RFC 7208) of the MAIL FROM for the client, as mailauth evaluates it: 'pass', 'fail', 'none', ... */
async function spfResult(input: { ip: string; helo: string; sender: string; hostname: string; resolver?: DnsResolver }): Promise<string> {
  const { spf } = await import('mailauth/lib/spf');
  const result = await spf({ ip: input.ip.replace(/^::ffff:/i, ''), helo: input.helo, sender: input.sender, mta: input.hostname, ...(input.resolver ? { resolver: input.resolver as never } : {}) });
  return String(result?.status?.result ?? 'none');
}

const minutes = (ms: number) => {
  const n = Math.max(1, Math.ceil(ms / 60_000));
  return n === 1 ? '1 minute' : `${n} minutes`;
};

/**
 * Greylisting on the MX (RFC 6647): a recipient of a (client network, sender, recipient) triplet
 * seen for the first time gets 451 4.7.1, and a retry after MAILSTEAD_GREYLIST_DELAY passes
 * (libs/spam Greylist). It runs after the recipient is known to exist (an unknown user gets its
 * 550 at once) and never for trusted networks, clients on a DNS allowlist, or SPF-pass mail from
 * a domain one of the recipient's addresses has sent mail to (an outbound row to that domain;
 * SPF is evaluated only then, so ordinary mail costs one indexed query).
 */
export function greylistingStep(settings: GreylistingSettings): DeliveryStep {
  const correspondent = async (sender: string, recipients: string[], ip: string, helo: string): Promise<boolean> => {
    const at = sender.lastIndexOf('@');
    if (at < 0) return false;
    if (!(await settings.store.outbound.hasSentToDomain(recipients, sender.slice(at + 1)))) return false;
    return (await spfResult({ ip, helo, sender, hostname: settings.hostname, resolver: settings.dnsResolver })) === 'pass';
  };
  return {
    name: 'greylisting',
    sources: ['mx'],
    async recipient(envelope, recipient) {
      const client = envelope.client;
      if (!client || settings.trusted.contains(client.ip)) return undefined;
      if (await dnsAllowlisted(client)) return undefined;
      const addresses = [...new Set([recipient.resolution.address, ...recipient.resolution.mailboxes.map((m) => m.address)].map((a) => a.toLowerCase()))];
      if (await correspondent(envelope.sender, addresses, client.ip, client.helo)) return undefined;
      const verdict = await settings.greylist.check({ ip: client.ip, sender: envelope.sender, recipient: recipient.resolution.address, clientDomain: await confirmedHostDomain(client) });
      if (verdict.pass) return undefined;
      settings.logger.info({ session: client.sessionId, ip: client.ip, sender: envelope.sender, recipient: recipient.resolution.address, reason: verdict.reason }, 'greylisted');
      return smtpReply(451, '4.7.1', `Greylisted: your server is new to us for this sender and recipient; please try again in ${minutes(verdict.retryAfterMs)}`);
    },
  };
}
