import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { MailsteadConfig } from '@mailstead/config';
import { DeliveryQueue, QueueService } from '@mailstead/delivery';
import { parseMessage } from '@mailstead/mime';
import { approveModeratedPost, noticePart, recipientResolverFor, type RecipientResolver } from '@mailstead/pipeline';
import type { Store } from '@mailstead/store';
import { CONFIG, REDIS, STORE } from '../../app/tokens';
import { listLinks, serverSecret } from '../../runtime/secret';

/**
 * What the admin console does to mail beyond reading rows: puts outbound rows on the BullMQ
 * delivery queue at once (retry now), hands QueueAdminService its libs/delivery QueueService, and decides
 * on held list posts (approve through libs/pipeline's list delivery, reject with a notice).
 *
 * Queue actions go through libs/delivery's QueueService (the same code as the CLI's).
 */
@Injectable()
export class AdminMailService implements OnApplicationShutdown {
  private queue: DeliveryQueue | undefined;
  private service: QueueService | undefined;
  private readonly resolver: RecipientResolver;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
  ) {
    // an approved list post skips members at the message quota, as SMTP delivery does
    this.resolver = recipientResolverFor(store, config, serverSecret(config));
  }

  /** Tests point the service at a queue with their own key prefix. */
  useQueue(queue: DeliveryQueue): void {
    this.queue = queue;
    this.service = undefined;
  }

  /**
   * Enqueues rows for the worker now. Postgres stays the source of truth: if Redis is away the
   * rows are still due and the worker's reconciler picks them up, so a failure here is not fatal.
   */
  async enqueue(ids: bigint[]): Promise<boolean> {
    if (ids.length === 0) return true;
    this.queue ??= new DeliveryQueue(this.redis);
    try {
      // A job left from an earlier attempt (delayed or failed) would make addBulk a no-op.
      for (const id of ids) await this.queue.remove(id).catch(() => false);
      await this.queue.enqueue(ids);
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
  }

  /** libs/delivery's queue operations (retry, delete, bounce with DSN) on this service's BullMQ queue. */
  queueService(): QueueService {
    this.queue ??= new DeliveryQueue(this.redis);
    this.service ??= new QueueService({ store: this.store, config: this.config, queue: this.queue, forwarding: this.resolver.forwarding });
    return this.service;
  }

  /**
   * Delivers a notice (DSN, rejection) to `address`: into its INBOX when it is a local account,
   * else out from the null sender so that it cannot bounce back (RFC 3834 5, RFC 5321 6.1).
   */
  private async notify(address: string, raw: Buffer): Promise<void> {
    const part = await noticePart(this.store, address, raw);
    if (!part) return; // a local address with no mailbox: nobody to tell
    const [result] = await this.store.messages.deliverBatch([part]);
    if (result) await this.enqueue(result.outboundIds);
  }

  /** Approves a held post: libs/pipeline expands the list's current members and stores their copies. */
  async approve(itemId: number): Promise<{ delivered: number; remote: number }> {
    const result = await approveModeratedPost(this.store, this.resolver, itemId, listLinks(this.config));
    await this.enqueue(result.outboundIds);
    return { delivered: result.delivered, remote: result.outboundIds.length };
  }

  /** Rejects a held post and tells its sender, quoting the subject and the moderator's reason. */
  async reject(item: { id: number; sender: string; raw: Buffer }, listAddress: string, reason: string | null): Promise<void> {
    await this.store.recipients.rejectModeration(item.id, reason);
    if (item.sender === '') return;
    const subject = parseMessage(item.raw).subject;
    const text = [
      `Your message to the mailing list ${listAddress} was not accepted by its moderator.`,
      '',
      `Subject: ${subject || '(no subject)'}`,
      reason ? `Reason: ${reason}` : 'No reason was given.',
      '',
    ].join('\n');
    const notice = await new MailComposer({
      from: `Mailing list ${listAddress} <postmaster@${this.config.hostname}>`,
      to: item.sender,
      subject: `Rejected: ${subject || `your post to ${listAddress}`}`,
      text,
      // RFC 3834 5: an automatic response; keeps vacation responders from answering it.
      headers: { 'Auto-Submitted': 'auto-replied' },
    })
      .compile()
      .build();
    await this.notify(item.sender, notice);
  }
}
