import '@fastify/multipart';
import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { composeRequest, replyQuery, type ComposeRequest } from '@mailstead/contracts';
import type { MailsteadConfig } from '@mailstead/config';
import { listParts, mergeRecipients, RecipientResolver, type DeliveryPart, type RecipientInput } from '@mailstead/smtp';
import type { Store, StoredMessage } from '@mailstead/store';
import { CONFIG, REDIS, STORE } from '../app/tokens';
import { AdminMailService } from './admin/admin-mail.service';
import { ApiException, badRequest, bigId, forbidden, notFound, parseInput } from './api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from './auth.guard';
import { ReplyDraftService } from './reply-draft.service';
import { UploadStore } from './upload-store.service';
import { listLinks } from '../runtime/secret';

type Recipient = ComposeRequest['to'][number];
const addressOf = (r: Recipient) => (typeof r === 'string' ? r : r.address);
const mailAddress = (r: Recipient): Mail.Address | string => (typeof r === 'string' ? r : { name: r.name ?? '', address: r.address });

@Controller()
@UseGuards(SessionGuard)
export class ComposeController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(REDIS) redis: Redis,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
    @Inject(AdminMailService) private readonly delivery: AdminMailService,
  ) {
    this.resolver = new RecipientResolver(store, { messageLimit: config.imap.messageQuota });
    this.uploads = new UploadStore(redis);
    this.replyDrafts = new ReplyDraftService(store, this.uploads);
  }

  private readonly uploads: UploadStore;
  private readonly replyDrafts: ReplyDraftService;

  /**
   * libs/smtp's resolver, as SMTP RCPT uses it: accounts, plus-addressing, aliases, catch-all,
   * lists with their policies, quotas (storage and MAILSTEAD_IMAP_MESSAGE_QUOTA).
   */
  private readonly resolver: RecipientResolver;

  /** A compose form for answering or forwarding one of the account's messages (reply-draft.ts has the rules). */
  @Get('messages/:id/reply')
  async replyForm(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Query() query: unknown) {
    const { mode } = parseInput(replyQuery, query);
    const draft = await this.replyDrafts.draft(auth.account, bigId(id, 'message'), mode);
    if (!draft) throw notFound('message');
    return draft;
  }

  /** multipart/form-data with one "file" field; answers the id to list in `attachments`. */
  @Post('uploads')
  async upload(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest) {
    if (!request.isMultipart()) throw badRequest('send multipart/form-data with a "file" field');
    const file = await request.file();
    if (!file) throw badRequest('invalid request', { file: ['missing'] });
    const data = await file.toBuffer().catch((error: { code?: string }) => {
      if (error.code === 'FST_REQ_FILE_TOO_LARGE') throw new ApiException(413, 'payload_too_large', 'attachment too large');
      throw error;
    });
    const filename = (file.filename || 'attachment').slice(0, 255);
    const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(file.mimetype) ? file.mimetype : 'application/octet-stream';
    return this.uploads.put(auth.account.id, { filename, contentType, data });
  }

  private async attachments(auth: AuthContext, ids: string[]): Promise<Mail.Attachment[]> {
    const out: Mail.Attachment[] = [];
    for (const id of ids) {
      const upload = await this.uploads.get(auth.account.id, id);
      if (!upload) throw badRequest('invalid request', { attachments: [`upload ${id} not found (expired?)`] });
      out.push({ filename: upload.filename, contentType: upload.contentType, content: upload.data });
    }
    return out;
  }

  private async ownMessage(auth: AuthContext, id: string | undefined, field: string): Promise<StoredMessage | undefined> {
    if (!id) return undefined;
    const message = await this.store.webmail.getMessage(auth.account.id, BigInt(id));
    if (!message) throw new ApiException(404, 'not_found', 'message not found', { [field]: ['no such message'] });
    return message;
  }

  /** RFC 5322 3.6.4: In-Reply-To is the parent's Message-ID, References the parent's References plus it. */
  private async build(auth: AuthContext, input: ComposeRequest, keepBcc: boolean): Promise<{ raw: Buffer; messageId: string; parent?: StoredMessage }> {
    const parent = await this.ownMessage(auth, input.inReplyToId, 'inReplyToId');
    const domain = input.from.slice(input.from.lastIndexOf('@') + 1);
    const messageId = `<${randomUUID()}@${domain}>`;
    const references = parent?.messageIdHdr ? [...parent.references, parent.messageIdHdr] : undefined;
    const composer = new MailComposer({
      from: { name: auth.account.displayName ?? '', address: input.from },
      to: input.to.map(mailAddress),
      cc: input.cc.map(mailAddress),
      bcc: input.bcc.map(mailAddress),
      subject: input.subject,
      text: input.text ?? (input.html === undefined ? '' : undefined),
      html: input.html,
      messageId,
      date: new Date(),
      inReplyTo: parent?.messageIdHdr ?? undefined,
      references,
      attachments: await this.attachments(auth, input.attachments),
      headers: { 'User-Agent': 'Mailstead webmail' },
    });
    const mail = composer.compile();
    mail.keepBcc = keepBcc;
    const raw = await mail.build();
    if (raw.length > this.config.smtp.maxMessageSize) throw new ApiException(413, 'payload_too_large', `message larger than ${this.config.smtp.maxMessageSize} bytes`);
    return { raw, messageId, parent };
  }

  private async removeDraft(draft: StoredMessage | undefined): Promise<void> {
    if (!draft) return;
    await this.store.messages.updateFlags(draft.mailboxId, [draft.uid], 'add', ['\\Deleted']);
    await this.store.messages.expunge(draft.mailboxId, [draft.uid]);
  }

  /**
   * The submission path (DESIGN.md 4): the sender must be the account's address or an alias
   * it owns; Bcc is left out of the header; one transaction stores the Sent copy, the local
   * recipients' INBOX copies and an outbound row per remote domain.
   */
  @Post('send')
  @HttpCode(200)
  async send(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const input = parseInput(composeRequest, body);
    if (!(await this.store.accounts.canSendAs(auth.account.id, input.from))) {
      throw new ApiException(403, 'forbidden', 'you may not send as this address', { from: [`not one of your addresses: ${input.from}`] });
    }
    const recipients = [...input.to, ...input.cc, ...input.bcc].map(addressOf);
    if (recipients.length === 0) throw badRequest('invalid request', { to: ['at least one recipient is needed'] });
    if (recipients.length > this.config.smtp.maxRecipients) throw badRequest('invalid request', { to: [`at most ${this.config.smtp.maxRecipients} recipients`] });
    const { raw, messageId, parent } = await this.build(auth, input, false);
    // Every address goes through the same resolution as an SMTP RCPT (issue 8: one resolver);
    // refusals come back per address with the SMTP reply's text.
    const resolved: RecipientInput[] = [];
    const refused: string[] = [];
    for (const address of recipients) {
      const outcome = await this.resolver.resolve(address, { sender: input.from, size: raw.length });
      if (outcome.ok) resolved.push({ resolution: outcome.resolution });
      else refused.push(`${address}: ${outcome.reply.text} (${outcome.reply.enhancedCode})`);
    }
    if (refused.length > 0) throw badRequest('invalid request', { to: refused });
    const plan = mergeRecipients(resolved);
    const sent = await this.store.mailboxes.findSpecialUse(auth.account.id, '\\Sent');
    if (!sent) throw forbidden('this account has no Sent mailbox');
    // The message quota is checked again with each insert, as SMTP's DATA does: an account
    // filled since its address was resolved refuses the send (over_quota, 409), nothing stored.
    const messageLimit = this.resolver.messageLimit;
    const parts: DeliveryPart[] = [
      {
        raw,
        targets: [{ mailboxId: sent.id, flags: ['\\Seen'] }, ...plan.mailboxes.filter((m) => m.mailboxId !== sent.id).map((m) => ({ mailboxId: m.mailboxId }))],
        options: { limits: { messageLimit }, ...(plan.remote.length > 0 ? { outbound: { sender: input.from, recipients: plan.remote } } : {}) },
      },
    ];
    for (const list of plan.lists) {
      if (list.held) await this.store.recipients.holdForModeration(list.list.id, raw, input.from);
      else parts.push(...listParts(raw, list, { links: listLinks(this.config), size: raw.length, messageLimit }));
    }
    const results = await this.store.messages.deliverBatch(parts);
    const result = { stored: results.flatMap((r) => r.stored), outboundIds: results.flatMap((r) => r.outboundIds) };
    const routing = {
      local: plan.mailboxes.length + plan.lists.reduce((n, l) => n + (l.held ? 0 : l.mailboxes.length), 0),
      remote: plan.remote.length + plan.lists.reduce((n, l) => n + (l.held ? 0 : l.remote.length), 0),
    };
    // On the delivery queue at once; the worker's reconciler would find the rows anyway.
    await this.delivery.enqueue(result.outboundIds);
    if (parent) await this.store.messages.updateFlags(parent.mailboxId, [parent.uid], 'add', ['\\Answered']);
    await this.removeDraft(await this.ownMessage(auth, input.draftId, 'draftId'));
    const sentCopy = result.stored.find((s) => s.mailboxId === sent.id);
    await this.store.audit.record({
      actor: auth.account.address,
      action: 'message.send',
      target: auth.account.address,
      details: { messageId, local: routing.local, remote: routing.remote, held: plan.lists.filter((l) => l.held).map((l) => l.list.address), outbound: result.outboundIds.map(String) },
      ip: request.ip,
    });
    return { messageIdHeader: messageId, sentId: sentCopy ? sentCopy.id.toString() : null, localRecipients: routing.local, remoteRecipients: routing.remote };
  }

  /** Saves a draft in Drafts (\Draft \Seen), replacing `draftId`; IMAP clients see it there. */
  @Post('drafts')
  @HttpCode(200)
  async saveDraft(@CurrentAuth() auth: AuthContext, @Body() body: unknown) {
    const input = parseInput(composeRequest, body);
    const drafts = await this.store.mailboxes.findSpecialUse(auth.account.id, '\\Drafts');
    if (!drafts) throw notFound('Drafts mailbox');
    const { raw } = await this.build(auth, input, true);
    // A new draft counts against the message quota like an IMAP APPEND (over it: 409, nothing
    // saved). Replacing one (saved as you type) adds nothing in the end: the old one goes right
    // after, so it may pass the limit by that one message in between.
    const replaced = await this.ownMessage(auth, input.draftId, 'draftId');
    const quota = this.config.imap.messageQuota;
    const messageLimit = quota > 0 && replaced ? quota + 1 : quota;
    const [stored] = await this.store.messages.append(drafts.id, [{ raw, flags: ['\\Draft', '\\Seen'] }], { messageLimit });
    await this.removeDraft(replaced);
    return { id: stored!.id.toString(), mailboxId: drafts.id };
  }
}
