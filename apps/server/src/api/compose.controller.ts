import '@fastify/multipart';
import { randomBytes, randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { composeRequest, type ComposeRequest } from '@mailstead/contracts';
import type { MailsteadConfig } from '@mailstead/config';
import type { Store, StoredMessage } from '@mailstead/store';
import { CONFIG, REDIS, STORE } from '../app/tokens';
import { ApiException, badRequest, forbidden, notFound, parseInput } from './api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from './auth.guard';
import { routeRecipients } from './compose-recipients';

/** Uploaded attachments wait in Redis this long for the message that uses them. */
const UPLOAD_TTL_SECONDS = 24 * 3600;
const uploadKey = (accountId: number, id: string) => `mailstead:upload:${accountId}:${id}`;

type Recipient = ComposeRequest['to'][number];
const addressOf = (r: Recipient) => (typeof r === 'string' ? r : r.address);
const mailAddress = (r: Recipient): Mail.Address | string => (typeof r === 'string' ? r : { name: r.name ?? '', address: r.address });

@Controller()
@UseGuards(SessionGuard)
export class ComposeController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
  ) {}

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
    const id = randomBytes(16).toString('hex');
    const filename = (file.filename || 'attachment').slice(0, 255);
    const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(file.mimetype) ? file.mimetype : 'application/octet-stream';
    await this.redis.multi().hset(uploadKey(auth.account.id, id), { filename, contentType, data }).expire(uploadKey(auth.account.id, id), UPLOAD_TTL_SECONDS).exec();
    return { id, filename, contentType, size: data.length };
  }

  private async attachments(auth: AuthContext, ids: string[]): Promise<Mail.Attachment[]> {
    const out: Mail.Attachment[] = [];
    for (const id of ids) {
      const [filename, contentType, data] = await this.redis.hmgetBuffer(uploadKey(auth.account.id, id), 'filename', 'contentType', 'data');
      if (!filename || !contentType || !data) throw badRequest('invalid request', { attachments: [`upload ${id} not found (expired?)`] });
      out.push({ filename: filename.toString(), contentType: contentType.toString(), content: data });
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

  private async removeDraft(auth: AuthContext, id: string | undefined): Promise<void> {
    const draft = await this.ownMessage(auth, id, 'draftId');
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
    const routing = await routeRecipients(this.store, recipients);
    if (routing.unknown.length > 0) throw badRequest('invalid request', { to: routing.unknown.map((a) => `no such local address: ${a}`) });
    const { raw, messageId, parent } = await this.build(auth, input, false);
    const sent = await this.store.mailboxes.findSpecialUse(auth.account.id, '\\Sent');
    if (!sent) throw forbidden('this account has no Sent mailbox');
    const result = await this.store.messages.deliver(
      raw,
      [{ mailboxId: sent.id, flags: ['\\Seen'] }, ...[...routing.inboxes].map((mailboxId) => ({ mailboxId }))],
      routing.remote.size > 0 ? { outbound: { sender: input.from, recipients: [...routing.remote].map((address) => ({ address })) } } : {},
    );
    if (parent) await this.store.messages.updateFlags(parent.mailboxId, [parent.uid], 'add', ['\\Answered']);
    await this.removeDraft(auth, input.draftId);
    const sentCopy = result.stored.find((s) => s.mailboxId === sent.id);
    await this.store.audit.record({
      actor: auth.account.address,
      action: 'message.send',
      target: auth.account.address,
      details: { messageId, local: routing.inboxes.size, remote: routing.remote.size, outbound: result.outboundIds.map(String) },
      ip: request.ip,
    });
    return { messageIdHeader: messageId, sentId: sentCopy ? sentCopy.id.toString() : null, localRecipients: routing.inboxes.size, remoteRecipients: routing.remote.size };
  }

  /** Saves a draft in Drafts (\Draft \Seen), replacing `draftId`; IMAP clients see it there. */
  @Post('drafts')
  @HttpCode(200)
  async saveDraft(@CurrentAuth() auth: AuthContext, @Body() body: unknown) {
    const input = parseInput(composeRequest, body);
    const drafts = await this.store.mailboxes.findSpecialUse(auth.account.id, '\\Drafts');
    if (!drafts) throw notFound('Drafts mailbox');
    const { raw } = await this.build(auth, input, true);
    const [stored] = await this.store.messages.append(drafts.id, [{ raw, flags: ['\\Draft', '\\Seen'] }]);
    await this.removeDraft(auth, input.draftId);
    return { id: stored!.id.toString(), mailboxId: drafts.id };
  }
}
