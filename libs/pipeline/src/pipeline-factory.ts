import type { MailsteadConfig } from '@mailstead/config';
import type { Store } from '@mailstead/store';
import { DeliveryPipeline, type PipelineLogger } from './delivery-pipeline';
import type { DeliveryStep } from './delivery-step';
import type { ListBouncePolicy } from './lists/list-bounces';
import type { ListLinks } from './recipients/delivery-plan';
import { RecipientResolver } from './recipients/recipient-resolver';
import { Forwarding } from './forwarding/forwarded-part';
import { srsMaxAgeDays } from './forwarding/srs';
import { junkFilingStep } from './steps/junk-filing.step';
import { listBounceStep } from './steps/list-bounce.step';
import { loopDetectionStep } from './steps/loop-detection.step';
import { mailboxQuotaStep } from './steps/mailbox-quota.step';
import { receivedTraceStep } from './steps/received-trace.step';
import { relayPolicyStep } from './steps/relay-policy.step';
import { senderAuthenticationStep, type DnsResolver } from './steps/sender-authentication.step';
import { senderOwnershipStep } from './steps/sender-ownership.step';
import { sieveStep } from './steps/sieve.step';
import { libSieveEngine } from './sieve/sieve-default-engine';
import { defenceSteps, type SmtpDefence } from './steps/smtp-defence';
import { storageSpaceStep } from './steps/storage-space.step';
import { submissionHeadersStep } from './steps/submission-headers.step';
import { spamScoreStep, type SpamPipelineOptions } from './steps/spam-score.step';
import { spamVerdictStep } from './steps/spam-verdict.step';
import { malwareScanStep } from './steps/malware-scan.step';

/**
 * The one recipient resolver of a running server, as SMTP RCPT, the webmail's send and the admin
 * console's moderation use it: the message quota (MAILSTEAD_IMAP_MESSAGE_QUOTA), and postmaster
 * mail nobody set up an address for going to the first admin (RFC 5321 4.5.1).
 */
export function recipientResolverFor(store: Store, config: Pick<MailsteadConfig, 'imap' | 'admin' | 'hostname' | 'forwarding'>, secret?: Buffer): RecipientResolver {
  // with the server secret: SRS and ARC for forwarded mail, and the MX's check of bounces to SRS addresses
  const forwarding = secret ? forwardingFor(store, config, secret) : undefined;
  return new RecipientResolver(store, { messageLimit: config.imap.messageQuota, postmaster: config.admin.address, forwarding });
}

/** SRS and ARC settings from config (MAILSTEAD_SRS_DOMAIN, MAILSTEAD_SRS_MAX_AGE) and the server secret (MAILSTEAD_SECRET). */
export function forwardingFor(store: Store, config: Pick<MailsteadConfig, 'hostname' | 'forwarding'>, secret: Buffer): Forwarding {
  return new Forwarding(store, { secret, srsDomain: config.forwarding.srsDomain, maxAgeDays: srsMaxAgeDays(config.forwarding.srsMaxAge), hostname: config.hostname });
}

export interface PipelineOptions {
  store: Store;
  resolver: RecipientResolver;
  /** our host name: Received, Authentication-Results, generated Message-IDs */
  hostname: string;
  /** SPF/DKIM/DMARC on mail to the MX */
  senderChecks: boolean;
  /** refuse DMARC failures under p=reject (else they go to Junk) */
  dmarcReject: boolean;
  dnsResolver?: DnsResolver;
  listLinks?: ListLinks;
  listBouncePolicy?: ListBouncePolicy;
  logger: PipelineLogger;
  onOutbound?: (ids: bigint[]) => void;
  /** the data directory and the free space it must keep (MAILSTEAD_MIN_FREE_SPACE); none: not checked */
  storage?: { dir: string; minFree: number };
  /** MX connection checks (DNS lists, HELO, FCrDNS, greylisting, per-IP rates) and submission rate limits; none: off */
  defence?: SmtpDefence;
  /** spam scoring on the MX (spamPipelineOptions: MAILSTEAD_SPAM_*); none: not scored */
  spam?: SpamPipelineOptions;
}

/**
 * The steps, in the order they run within each phase. New checks (DNSBL, greylisting, spam
 * scoring, malware, Sieve) are steps added here; see docs/architecture.md.
 */
export function defaultSteps(opts: PipelineOptions): DeliveryStep[] {
  const defence = opts.defence ? defenceSteps(opts.defence, opts) : { early: [], envelope: [] };
  return [
    // sender
    ...(opts.storage ? [storageSpaceStep(opts.storage.dir, opts.storage.minFree)] : []),
    senderOwnershipStep(opts.store),
    // connect, sender and recipient: smtp-hygiene, dns-lists
    ...defence.early,
    // recipient
    relayPolicyStep,
    // outbound-rate (also sender, committed), greylisting
    ...defence.envelope,
    // message
    loopDetectionStep,
    submissionHeadersStep(opts.store, opts.hostname),
    receivedTraceStep(opts.hostname),
    ...(opts.senderChecks ? [senderAuthenticationStep({ hostname: opts.hostname, dmarcReject: opts.dmarcReject, resolver: opts.dnsResolver })] : []),
    ...(opts.spam?.malware ? [malwareScanStep(opts.spam.malware, opts.logger)] : []),
    ...(opts.spam?.scoring ? [spamScoreStep(opts.store, { hostname: opts.hostname, logger: opts.logger, ...opts.spam.scoring })] : []),
    // copy
    mailboxQuotaStep(opts.resolver.messageLimit),
    ...(opts.spam?.scoring ? [spamVerdictStep(opts.store)] : []),
    junkFilingStep(opts.store),
    // last of the copy steps: keep means where the others filed the copy (INBOX, a plus folder, Junk)
    sieveStep({ store: opts.store, engine: libSieveEngine, hostname: opts.hostname, logger: opts.logger, forwarding: opts.resolver.forwarding ?? undefined }),
    // committed
    listBounceStep(opts.store, opts.listBouncePolicy ?? { threshold: 5, action: 'disable' }, opts.logger),
  ];
}

export function createDeliveryPipeline(opts: PipelineOptions): DeliveryPipeline {
  return new DeliveryPipeline({ store: opts.store, resolver: opts.resolver, hostname: opts.hostname, steps: defaultSteps(opts), listLinks: opts.listLinks, logger: opts.logger, onOutbound: opts.onOutbound });
}
