import '@fastify/multipart';
import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { composeRequest, replyQuery, type ComposeRequest } from '@mailstead/contracts';
import type { MailsteadConfig } from '@mailstead/config';
import type { Store, StoredMessage } from '@mailstead/store';
import { CONFIG, LOGGER, REDIS, STORE } from '../app/tokens';
import type { Logger } from '../runtime/logger';
import { MessageSubmissionService, SubmissionRefused } from '../services/message-submission.service';
import { AdminMailService } from './admin/admin-mail.service';
import { ApiException, badRequest, bigId, forbidden, notFound, parseInput } from './api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from './auth.guard';
import { ReplyDraftService } from './reply-draft.service';
import { UploadStore } from './upload-store.service';

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
    @Inject(LOGGER) logger: Logger,
  ) {
    this.submission = new MessageSubmissionService(store, config, logger.child({ role: 'api', part: 'send' }), redis);
    this.uploads = new UploadStore(redis);
    this.replyDrafts = new ReplyDraftService(store, this.uploads);
  }

  private readonly uploads: UploadStore;
  private readonly replyDrafts: ReplyDraftService;

  /** libs/pipeline's delivery pipeline, as SMTP submission runs it. */
  private readonly submission: MessageSubmissionService;

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
    if (!file) throw badRequest('Choose a file to upload', { file: ['Choose a file to upload'] });
    const data = await file.toBuffer().catch((error: { code?: string }) => {
      if (error.code === 'FST_REQ_FILE_TOO_LARGE') throw new ApiException(413, 'payload_too_large', 'The attachment is too large');
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
      if (!upload) throw badRequest('An attachment is no longer there (uploads are kept for a day): add it again', { attachments: [`Upload ${id} is no longer there (uploads are kept for a day): add it again`] });
      out.push({ filename: upload.filename, contentType: upload.contentType, content: upload.data });
    }
    return out;
  }

  private async ownMessage(auth: AuthContext, id: string | undefined, field: string): Promise<StoredMessage | undefined> {
    if (!id) return undefined;
    const message = await this.store.webmail.getMessage(auth.account.id, BigInt(id));
    if (!message) throw new ApiException(404, 'not_found', 'That message does not exist', { [field]: ['That message does not exist'] });
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
    if (raw.length > this.config.smtp.maxMessageSize) throw new ApiException(413, 'payload_too_large', `The message is larger than ${this.config.smtp.maxMessageSize} bytes`);
    return { raw, messageId, parent };
  }

  private async removeDraft(draft: StoredMessage | undefined): Promise<void> {
    if (!draft) return;
    // one expunge regardless of \Deleted: no flag change an IMAP client could undo in between
    await this.store.messages.expunge(draft.mailboxId, [draft.uid], { deletedOnly: false });
  }

  /**
   * The submission path (docs/architecture.md): the sender must be the account's address or an alias
   * it owns; Bcc is left out of the header; one transaction stores the Sent copy, the local
   * recipients' INBOX copies and an outbound row per remote domain.
   */
  @Post('send')
  @HttpCode(200)
  async send(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const input = parseInput(composeRequest, body);
    const recipients = [...input.to, ...input.cc, ...input.bcc].map(addressOf);
    if (recipients.length === 0) throw badRequest('Add at least one recipient', { to: ['Add at least one recipient'] });
    if (recipients.length > this.config.smtp.maxRecipients) throw badRequest(`A message may have at most ${this.config.smtp.maxRecipients} recipients`, { to: [`A message may have at most ${this.config.smtp.maxRecipients} recipients`] });
    if (!(await this.store.mailboxes.findSpecialUse(auth.account.id, '\\Sent'))) throw forbidden('This account has no Sent mailbox');
    // Bcc stays in the Sent copy only: the pipeline takes it out of every delivered copy
    const { raw, messageId, parent } = await this.build(auth, input, true);
    // The same pipeline as SMTP submission: every address resolved as an SMTP RCPT (refusals
    // come back per address with the SMTP reply's text); a recipient filled up since it was
    // resolved refuses the send (over_quota, 409) with nothing stored, as SMTP's DATA does.
    const receipt = await this.submission.submit({ accountId: auth.account.id, address: auth.account.address }, input.from, recipients, raw).catch((error: unknown) => {
      if (!(error instanceof SubmissionRefused)) throw error;
      if (error.kind === 'rate_limited') throw new ApiException(429, 'too_many_requests', error.details[0] ?? 'Sending limit reached');
      if (error.kind === 'over_quota') throw new ApiException(409, 'conflict', 'A recipient\'s mailbox is full', { to: error.details });
      // the pipeline's sender-ownership step, the same rule as SMTP submission's MAIL FROM
      if (error.kind === 'sender') throw new ApiException(403, 'forbidden', `You may not send as ${input.from}`, { from: [`You may not send as ${input.from}: it is not one of your addresses`] });
      throw badRequest(error.details.length === 1 ? `Not sent: ${error.details[0]}` : `Not sent: ${error.details.length} recipients were refused`, { to: error.details });
    });
    // On the delivery queue at once; the worker's reconciler would find the rows anyway.
    await this.delivery.enqueue(receipt.outboundIds);
    if (parent) await this.store.messages.updateFlags(parent.mailboxId, [parent.uid], 'add', ['\\Answered']);
    await this.removeDraft(await this.ownMessage(auth, input.draftId, 'draftId'));
    const sentCopy = receipt.stored.find((s) => s.mailboxId === receipt.sentMailboxId);
    await this.store.audit.record({
      actor: auth.account.address,
      action: 'message.send',
      target: auth.account.address,
      details: { messageId, local: receipt.local, remote: receipt.remote, held: receipt.held, outbound: receipt.outboundIds.map(String) },
      ip: request.ip,
    });
    return { messageIdHeader: messageId, sentId: sentCopy ? sentCopy.id.toString() : null, localRecipients: receipt.local, remoteRecipients: receipt.remote };
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
