import type { SmtpDefenceConfig } from '@mailstead/config';
import { DnsListChecker, dnsListResolver, Greylist, NetworkList, RateCounter, type DnsListResolver } from '@mailstead/spam';
import type { Store } from '@mailstead/store';
import type { Redis } from 'ioredis';
import type { PipelineLogger } from '../delivery-pipeline';
import type { DeliveryStep } from '../delivery-step';
import { dnsListsStep } from './dns-lists.step';
import { greylistingStep } from './greylisting.step';
import { outboundRateStep } from './outbound-rate.step';
import type { DnsResolver } from './sender-authentication.step';
import { smtpHygieneStep } from './smtp-hygiene.step';

/** What the connection checks and rate limits need (MAILSTEAD_TRUSTED_NETWORKS, _DNSBL*, _DNSWL, _GREYLIST*, _SMTP_RATE_*, _SUBMISSION_RATE_*). */
export interface SmtpDefence {
  settings: SmtpDefenceConfig;
  /** greylist triplets and rate counters, shared by every process */
  redis: Redis;
  /** MAILSTEAD_DNS_SERVERS (empty: the system's) */
  dnsServers: string[];
  /** ms since the epoch; tests move it */
  clock?: () => number;
  /** the DNS list and FCrDNS lookups (default: node:dns through dnsServers) */
  dnsLists?: DnsListResolver;
  /** Redis key prefix (tests keep their keys apart) */
  keyPrefix?: string;
}

/**
 * The steps of issue 21 items 1 and 7, in two groups for defaultSteps: `early` (smtp-hygiene,
 * dns-lists: connect, MAIL FROM and the first checks at RCPT) and `envelope` (outbound-rate,
 * greylisting: at RCPT once the recipient is known to be valid, after relay-policy).
 */
export function defenceSteps(defence: SmtpDefence, context: { store: Store; hostname: string; logger: PipelineLogger; dnsResolver?: DnsResolver }): { early: DeliveryStep[]; envelope: DeliveryStep[] } {
  const { settings } = defence;
  const now = defence.clock ?? Date.now;
  const prefix = defence.keyPrefix ?? 'mailstead';
  const trusted = new NetworkList(settings.trustedNetworks);
  const resolver = defence.dnsLists ?? dnsListResolver(defence.dnsServers, settings.dnsTimeout);
  const checker = new DnsListChecker({ resolver, timeoutMs: settings.dnsTimeout, now, logger: context.logger });
  const perMinute = new RateCounter(defence.redis, 60_000, { prefix: `${prefix}:rate`, now });
  const perHour = new RateCounter(defence.redis, 3_600_000, { prefix: `${prefix}:rate`, now });
  const greylist = new Greylist(defence.redis, settings.greylist, { prefix: `${prefix}:greylist`, now });
  return {
    early: [
      smtpHygieneStep({ hostname: context.hostname, trusted, resolver, timeoutMs: settings.dnsTimeout, rates: { counter: perMinute, ...settings.rates } }),
      dnsListsStep({ checker, trusted, dnsbl: settings.dnsbl, dnsblDomains: settings.dnsblDomains, dnswl: settings.dnswl }),
    ],
    envelope: [
      outboundRateStep({ counter: perHour, limits: settings.submission, store: context.store, logger: context.logger }),
      ...(settings.greylist.enabled ? [greylistingStep({ greylist, trusted, store: context.store, hostname: context.hostname, dnsResolver: context.dnsResolver, logger: context.logger })] : []),
    ],
  };
}
