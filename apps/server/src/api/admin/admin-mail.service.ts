import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { MailsteadConfig } from '@mailstead/config';
import { buildDsn, DeliveryQueue } from '@mailstead/delivery';
import { parseMessage } from '@mailstead/mime';
import { approveModeratedPost, RecipientResolver } from '@mailstead/smtp';
import type { Store } from '@mailstead/store';
import { CONFIG, REDIS, STORE } from '../../app/tokens';
import { notFound } from '../api-error';
import { listLinks } from '../../runtime/secret';

/**
 * What the admin console does to mail beyond reading rows: puts outbound rows on the BullMQ
 * delivery queue at once (retry now), bounces queue entries with an RFC 3464 DSN, and decides
 * on held list posts (approve through libs/smtp's list delivery, reject with a notice).
 *
 * Seam: libs/delivery (issue 7) is adding queue service methods (retry, bounce, ...); when they
 * land, `bounce` should call them instead of building the DSN here.
 */
@Injectable()
export class AdminMailService implements OnApplicationShutdown {
  private queue: DeliveryQueue | undefined;
  private readonly resolver: RecipientResolver;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
  ) {
    this.resolver = new RecipientResolver(store);
  }

  /** Tests point the service at a queue with their own key prefix. */
  useQueue(queue: DeliveryQueue): void {
    this.queue = queue;
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

  /**
   * Fails a queued/deferred entry now and tells the envelope sender with a DSN (RFC 3464,
   * status 5.0.0 with the admin's note), like the worker does when retries run out. Never to
   * the null sender (RFC 5321 6.1). Answers false when the entry was already finished.
   */
  async bounce(id: bigint, actor: string): Promise<boolean> {
    const detail = await this.store.outbound.show(id);
    if (!detail) throw notFound('queue entry');
    const note = `550 5.0.0 returned to sender by an administrator (${actor})`;
    const waiting = await this.store.admin.bounceQueued(id, note);
    if (!waiting) return false;
    await this.queue?.remove(id).catch(() => false);
    if (detail.sender === '' || waiting.length === 0) return true;
    const reported = waiting.filter((r) => r.notify.length === 0 || r.notify.map((n) => n.toUpperCase()).includes('FAILURE'));
    if (reported.length === 0) return true;
    const original = (await this.store.admin.blob(detail.blobId)) ?? Buffer.alloc(0);
    const dsn = buildDsn({
      reportingMta: this.config.hostname,
      to: detail.sender,
      originalEnvelopeId: detail.dsnEnvelopeId,
      arrivalDate: detail.createdAt,
      ret: detail.dsnReturn,
      original,
      recipients: reported.map((r) => ({ address: r.address, orcpt: r.orcpt, action: 'failed' as const, status: '5.0.0', remoteMta: null, diagnostic: note })),
    });
    await this.notify(detail.sender, dsn);
    return true;
  }

  /**
   * Delivers a notice (DSN, rejection) to `address`: into its INBOX when it is a local account,
   * else out from the null sender so that it cannot bounce back (RFC 3834 5, RFC 5321 6.1).
   */
  private async notify(address: string, raw: Buffer): Promise<void> {
    const account = await this.store.accounts.findByAddress(address);
    if (account) {
      const inbox = await this.store.mailboxes.findByName(account.id, 'INBOX');
      if (inbox) {
        await this.store.messages.deliver(Buffer.concat([Buffer.from('Return-Path: <>\r\n'), raw]), [{ mailboxId: inbox.id }]);
        return;
      }
    }
    const domain = address.slice(address.lastIndexOf('@') + 1);
    if (await this.store.domains.findByName(domain)) return; // a local address with no mailbox: nobody to tell
    const { outboundIds } = await this.store.messages.deliver(raw, [], { outbound: { sender: '', recipients: [{ address, notify: ['NEVER'] }] } });
    await this.enqueue(outboundIds);
  }

  /** Approves a held post: libs/smtp expands the list's current members and stores their copies. */
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
