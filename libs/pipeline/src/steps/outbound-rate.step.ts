import type { RateCounter } from '@mailstead/spam';
import type { Store } from '@mailstead/store';
import type { DeliveryStep, Envelope, Submitter } from '../delivery-step';
import type { PipelineLogger } from '../delivery-pipeline';
import { smtpReply } from '../smtp-reply';

/** Per hour; 0 = no limit. */
export interface OutboundRateLimits {
  messages: number;
  recipients: number;
  domainMessages: number;
  domainRecipients: number;
}

export interface OutboundRateSettings {
  /** counters with windows of an hour */
  counter: RateCounter;
  limits: OutboundRateLimits;
  store: Store;
  logger: PipelineLogger;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const domainOf = (s: Submitter) => s.address.slice(s.address.lastIndexOf('@') + 1).toLowerCase();

/** The counter names, limits and wording of one submitter's account and domain. */
function scopes(submitter: Submitter, limits: OutboundRateLimits) {
  const domain = domainOf(submitter);
  const account = submitter.address.toLowerCase();
  return [
    { scope: 'account' as const, messagesKey: `out:acct:${account}:messages`, recipientsKey: `out:acct:${account}:recipients`, messages: limits.messages, recipients: limits.recipients },
    { scope: 'domain' as const, messagesKey: `out:domain:${domain}:messages`, recipientsKey: `out:domain:${domain}:recipients`, messages: limits.domainMessages, recipients: limits.domainRecipients },
  ];
}

/**
 * Outbound rate limits on submission and the webmail's send (issue 21 item 7): messages and
 * recipients per hour per account and per domain, counted in Redis across processes when a
 * message is committed. Beyond a limit MAIL FROM (messages) or RCPT (recipients) gets 451 4.7.1,
 * and the first refusal of each window writes one `submission.rate_limited` audit log entry, so a
 * compromised account sending a flood shows in the console's audit log.
 */
export function outboundRateStep(settings: OutboundRateSettings): DeliveryStep {
  const { counter, limits } = settings;
  /** recipients accepted so far in each transaction (not counted until it commits) */
  const pending = new WeakMap<Envelope, number>();
  const refuse = async (submitter: Submitter, scope: 'account' | 'domain', kind: 'messages' | 'recipients', limit: number) => {
    const windowKey = `out:${scope}:${scope === 'account' ? submitter.address.toLowerCase() : domainOf(submitter)}:${kind}`;
    if (await counter.firstInWindow(windowKey)) {
      await settings.store.audit.record({ actor: 'system', action: 'submission.rate_limited', target: scope === 'account' ? submitter.address : domainOf(submitter), details: { scope, kind, limit, account: submitter.address, window: 'hour' } });
      settings.logger.warn({ account: submitter.address, scope, kind, limit }, 'outbound rate limit reached');
    }
    const whose = scope === 'account' ? 'this account' : `the domain ${domainOf(submitter)}`;
    const minutes = Math.max(1, Math.ceil(counter.window().endsInMs / 60_000));
    return smtpReply(451, '4.7.1', `Sending limit reached: ${whose} may send ${kind === 'messages' ? plural(limit, 'message') : `to ${plural(limit, 'recipient')}`} per hour; try again in ${plural(minutes, 'minute')}`);
  };
  return {
    name: 'outbound-rate',
    sources: ['submission', 'webmail'],
    async sender(envelope) {
      const submitter = envelope.submitter;
      if (!submitter) return undefined;
      for (const s of scopes(submitter, limits)) {
        if (s.messages > 0 && (await counter.count(s.messagesKey)) >= s.messages) return refuse(submitter, s.scope, 'messages', s.messages);
      }
      return undefined;
    },
    async recipient(envelope) {
      const submitter = envelope.submitter;
      if (!submitter) return undefined;
      const already = pending.get(envelope) ?? 0;
      for (const s of scopes(submitter, limits)) {
        if (s.recipients > 0 && (await counter.count(s.recipientsKey)) + already >= s.recipients) return refuse(submitter, s.scope, 'recipients', s.recipients);
      }
      pending.set(envelope, already + 1);
      return undefined;
    },
    async committed(message) {
      const submitter = message.envelope.submitter;
      if (!submitter) return;
      for (const s of scopes(submitter, limits)) {
        await counter.add(s.messagesKey, 1);
        await counter.add(s.recipientsKey, message.recipients.length);
      }
    },
  };
}
