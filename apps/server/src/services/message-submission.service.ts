import type { MailsteadConfig } from '@mailstead/config';
import { createDeliveryPipeline, recipientResolverFor, SmtpReply, type DeliveryPipeline, type DeliveryReceipt, type PipelineLogger, type Submitter } from '@mailstead/pipeline';
import type { Store } from '@mailstead/store';
import type { Redis } from 'ioredis';
import { listLinks, serverSecret } from '../runtime/secret';

/** Why a submission was refused, in the terms the API answers with. */
export class SubmissionRefused extends Error {
  constructor(
    readonly kind: 'sender' | 'recipients' | 'over_quota' | 'message' | 'rate_limited',
    readonly details: string[],
  ) {
    super(details.join('; '));
  }
}

const replyText = (reply: SmtpReply) => `${reply.text} (${reply.enhancedCode})`;
/** The outbound rate limit's refusal (libs/pipeline outbound-rate.step: 451 4.7.1). */
const rateLimited = (reply: SmtpReply) => reply.responseCode === 451 && reply.enhancedCode === '4.7.1';

/**
 * The webmail's send: the message goes through the same delivery pipeline as SMTP submission
 * (libs/pipeline, source "webmail"): sender ownership, recipient resolution and relay policy,
 * header completion with Bcc kept only in the Sent copy, quotas, list posts and moderation, then
 * one transaction for the Sent copy, the local copies and the outbound rows.
 */
export class MessageSubmissionService {
  private readonly pipeline: DeliveryPipeline;

  /** `redis`: the outbound rate limits' counters (MAILSTEAD_SUBMISSION_RATE_*); without it the webmail's send is not rate-limited. `clock`: their time (tests move it). */
  constructor(store: Store, config: MailsteadConfig, logger: PipelineLogger, redis?: Redis, clock?: () => number) {
    this.pipeline = createDeliveryPipeline({
      store,
      resolver: recipientResolverFor(store, config, serverSecret(config)),
      hostname: config.hostname,
      senderChecks: config.smtp.senderChecks,
      dmarcReject: config.smtp.dmarcReject,
      listLinks: listLinks(config),
      listBouncePolicy: { threshold: config.delivery.listBounceThreshold, action: config.delivery.listBounceAction },
      storage: { dir: config.dataDir, minFree: config.minFreeSpace },
      ...(redis ? { defence: { settings: config.smtpDefence, redis, dnsServers: config.delivery.dnsServers, clock } } : {}),
      logger,
    });
  }

  /**
   * Delivers `raw` (Bcc included: it stays in the Sent copy only) from `sender` to `recipients`.
   * Throws SubmissionRefused with every refused address at once, or when the quota of a
   * recipient filled up since it was resolved (nothing is stored then).
   */
  async submit(submitter: Submitter, sender: string, recipients: string[], raw: Buffer): Promise<DeliveryReceipt> {
    const tx = await this.pipeline
      .begin({ source: 'webmail', sender, submitter, client: null, dsn: null, declaredSize: raw.length })
      .catch((error: unknown) => {
        throw error instanceof SmtpReply ? new SubmissionRefused(rateLimited(error) ? 'rate_limited' : 'sender', [replyText(error)]) : error;
      });
    const refused: string[] = [];
    for (const address of recipients) {
      try {
        await tx.addRecipient(address);
      } catch (error) {
        if (!(error instanceof SmtpReply)) throw error;
        if (rateLimited(error)) throw new SubmissionRefused('rate_limited', [replyText(error)]);
        refused.push(`${address}: ${replyText(error)}`);
      }
    }
    if (refused.length > 0) throw new SubmissionRefused('recipients', refused);
    try {
      return await tx.deliver(raw);
    } catch (error) {
      if (!(error instanceof SmtpReply)) throw error;
      throw new SubmissionRefused(error.enhancedCode === '4.2.2' ? 'over_quota' : 'message', [replyText(error)]);
    }
  }
}
