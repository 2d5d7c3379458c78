import type { ReplyDraft, ReplyMode, UploadResult } from '@mailstead/contracts';
import { decodePartBody, parseMessage, parsePartId, resolvePart } from '@mailstead/mime';
import type { Store } from '@mailstead/store';
import { detailDto } from './message-view';
import { buildReplyDraft, forwardSubject } from './reply-draft';
import type { UploadStore } from './upload-store.service';

/**
 * Reply, reply-all, forward and forward-as-attachment forms for one of the account's messages
 * (GET /api/messages/:id/reply): the rules are reply-draft.ts's; this loads the message, finds
 * which of its addresses are the account's own, and uploads what a forward carries.
 */
export class ReplyDraftService {
  constructor(
    private readonly store: Store,
    private readonly uploads: UploadStore,
  ) {}

  /** Undefined when the account has no such message. */
  async draft(account: { id: number; address: string }, messageId: bigint, mode: ReplyMode): Promise<ReplyDraft | undefined> {
    const message = await this.store.webmail.getMessage(account.id, messageId);
    if (!message) return undefined;
    const parsed = parseMessage(message.raw);

    if (mode === 'forward-as-attachment') {
      // The original byte for byte as a message/rfc822 part (RFC 2046 5.2.1).
      const filename = `${(parsed.subject || 'message').replace(/[\\/:*?"<>|\r\n]/g, '_').slice(0, 100)}.eml`;
      const upload = await this.uploads.put(account.id, { filename, contentType: 'message/rfc822', data: message.raw });
      return { from: account.address, to: [], cc: [], subject: forwardSubject(parsed.subject), text: '', html: null, attachments: [upload] };
    }

    const own = new Set<string>();
    for (const a of [...parsed.from, ...parsed.replyTo, ...parsed.to, ...parsed.cc]) {
      if (a.address && !own.has(a.address.toLowerCase()) && (await this.store.accounts.canSendAs(account.id, a.address))) own.add(a.address.toLowerCase());
    }
    // The body as the reader shows it: the sanitized HTML (whole, never clipped), else the text.
    const shown = detailDto(message, { allowRemoteImages: false, full: true });
    const form = buildReplyDraft(
      { subject: parsed.subject, from: parsed.from, replyTo: parsed.replyTo, to: parsed.to, cc: parsed.cc, date: parsed.date ?? message.internalDate, text: shown.text, html: shown.html },
      mode,
      { address: account.address, isOwn: (address) => own.has(address.toLowerCase()) },
    );
    if (mode !== 'forward') return { ...form, inReplyToId: message.id.toString(), attachments: [] };

    const attachments: UploadResult[] = [];
    for (const a of parsed.attachments) {
      const path = parsePartId(a.partId);
      const part = path && path.length > 0 ? resolvePart(parsed.body, path) : null;
      if (part) attachments.push(await this.uploads.put(account.id, { filename: a.filename ?? `part-${a.partId}`, contentType: a.contentType, data: decodePartBody(message.raw, part) }));
    }
    return { ...form, attachments };
  }
}
