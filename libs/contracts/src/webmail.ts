import { z } from 'zod';
import { flagName } from './flags';

const id = z.coerce.number().int().positive().max(2 ** 31 - 1);
/** Message ids are 64-bit: strings in JSON. */
export const messageId = z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be a message id');

export const mailbox = z.object({
  id: z.number().int(),
  name: z.string(),
  specialUse: z.string().nullable(),
  subscribed: z.boolean(),
  total: z.number().int(),
  unread: z.number().int(),
  size: z.number(),
});
export type MailboxDto = z.infer<typeof mailbox>;

const mailboxName = z.string().trim().min(1).max(1000).refine((n) => !/[\x00-\x1f\x7f]/.test(n), 'must not contain control characters');
export const createMailboxRequest = z.object({ name: mailboxName });
export const updateMailboxRequest = z.object({ name: mailboxName.optional(), subscribed: z.boolean().optional() });

export const messageSort = z.enum(['date', 'from', 'subject', 'size']);

/** GET /api/mailboxes/:id/messages query */
export const messageListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  sort: messageSort.default('date'),
  order: z.enum(['asc', 'desc']).default('desc'),
  unread: z.enum(['true', 'false']).optional(),
  flagged: z.enum(['true', 'false']).optional(),
  hasAttachment: z.enum(['true', 'false']).optional(),
  /** Conversation mode: one row per thread (the newest message), with the thread's message count. */
  threads: z.enum(['true', 'false']).optional(),
});
export type MessageListQuery = z.infer<typeof messageListQuery>;

export const messageSummary = z.object({
  id: messageId,
  mailboxId: z.number().int(),
  uid: z.number().int(),
  threadId: z.string(),
  subject: z.string(),
  from: z.object({ name: z.string(), address: z.string() }),
  to: z.string(),
  date: z.string(),
  size: z.number().int(),
  preview: z.string(),
  seen: z.boolean(),
  flagged: z.boolean(),
  answered: z.boolean(),
  draft: z.boolean(),
  keywords: z.array(z.string()),
  hasAttachments: z.boolean(),
  threadSize: z.number().int().optional(),
});
export type MessageSummaryDto = z.infer<typeof messageSummary>;

export const messagePage = z.object({
  items: z.array(messageSummary),
  nextCursor: z.string().nullable(),
  /** Search only: present when some messages were not yet in the full-text index (they are being indexed). */
  indexing: z
    .literal(true)
    .optional()
    .describe('Search only: true when the full-text index of the searched folders was still incomplete (older mail being indexed in the background), so results may be missing; absent otherwise.'),
});
export type MessagePage = z.infer<typeof messagePage>;

/** GET /api/search */
export const searchQuery = z.object({
  q: z.string().trim().min(1).max(500),
  mailboxId: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const attachmentInfo = z.object({
  partId: z.string(),
  filename: z.string().nullable(),
  contentType: z.string(),
  size: z.number().int(),
  contentId: z.string().nullable(),
  inline: z.boolean(),
  url: z.string(),
});

export const messageDetail = messageSummary.extend({
  headers: z.array(z.object({ name: z.string(), value: z.string() })),
  cc: z.string(),
  replyTo: z.string(),
  messageIdHeader: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  text: z.string().nullable(),
  /** Sanitized (DOMPurify): no scripts or handlers; remote images removed unless ?remoteImages=true. */
  html: z.string().nullable(),
  remoteImagesBlocked: z.boolean(),
  /**
   * The HTML body was longer than 100,000 characters and `html` holds only its beginning
   * (like Gmail's "message clipped"): ask again with ?full=true for all of it (slower).
   */
  htmlClipped: z.boolean().optional(),
  attachments: z.array(attachmentInfo),
});
export type MessageDetailDto = z.infer<typeof messageDetail>;

export const messageDetailQuery = z.object({
  remoteImages: z.enum(['true', 'false']).optional(),
  markSeen: z.enum(['true', 'false']).optional(),
  /** The whole HTML body even when it is long (see messageDetail.htmlClipped). */
  full: z.enum(['true', 'false']).optional(),
});

const ids = z.array(messageId).min(1).max(1000);
/** POST /api/messages/flags */
export const flagsRequest = z.object({
  ids,
  add: z.array(flagName).max(20).default([]),
  remove: z.array(flagName).max(20).default([]),
});
/** POST /api/messages/move and /copy */
export const moveRequest = z.object({ ids, mailboxId: z.number().int().positive() });
/** POST /api/messages/delete: to Trash, or expunged when already in Trash or `permanent`. */
export const deleteRequest = z.object({ ids, permanent: z.boolean().default(false) });
export const bulkResult = z.object({ count: z.number().int() });

const address = z.string().trim().email().max(320);
const recipient = z.union([address, z.object({ name: z.string().max(200).optional(), address })]);
/** POST /api/send and /api/drafts */
export const composeRequest = z.object({
  from: address,
  to: z.array(recipient).max(100).default([]),
  cc: z.array(recipient).max(100).default([]),
  bcc: z.array(recipient).max(100).default([]),
  subject: z.string().max(998).default(''),
  text: z.string().max(5_000_000).optional(),
  html: z.string().max(5_000_000).optional(),
  /** The message being answered or forwarded: sets In-Reply-To/References (reply) and \Answered. */
  inReplyToId: messageId.optional(),
  /** Uploaded attachments (POST /api/uploads). */
  attachments: z.array(z.string().regex(/^[a-f0-9]{32}$/)).max(50).default([]),
  /** When sending a saved draft: the draft to remove after sending; when saving, the draft it replaces. */
  draftId: messageId.optional(),
});
export type ComposeRequest = z.infer<typeof composeRequest>;
export const sendResult = z.object({ messageIdHeader: z.string(), sentId: messageId.nullable(), localRecipients: z.number().int(), remoteRecipients: z.number().int() });
export const draftResult = z.object({ id: messageId, mailboxId: z.number().int() });
export const uploadResult = z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int() });
export type UploadResult = z.infer<typeof uploadResult>;

/** One Server-Sent Event of GET /api/events. */
export const mailboxEvent = z.object({
  mailboxId: z.number().int(),
  kind: z.enum(['append', 'flags', 'expunge', 'mailbox']),
  modseq: z.string(),
  total: z.number().int().nullable(),
  unread: z.number().int().nullable(),
});

/**
 * GET /api/messages/:id/reply: a compose form filled in for a reply, reply-all, forward or
 * forward as attachment (the original as a message/rfc822 part). The one reply/forward
 * builder: the webmail fills its composer from this answer.
 */
export const replyQuery = z.object({ mode: z.enum(['reply', 'all', 'forward', 'forward-as-attachment']).default('reply') });
export type ReplyMode = z.infer<typeof replyQuery>['mode'];
export const replyDraft = z.object({
  from: z.string(),
  to: z.array(z.object({ name: z.string().optional(), address: z.string() })),
  cc: z.array(z.object({ name: z.string().optional(), address: z.string() })),
  subject: z.string(),
  /** The body to write above: empty lines, then the attribution and "> " quote, or the forwarded message. */
  text: z.string(),
  /**
   * The same for a rich-text composer when the original has HTML: the attribution or forward
   * header and the original's HTML as the reader shows it (sanitized for display; an editor
   * applies its own policy). Null when the original is text only: convert `text`.
   */
  html: z.string().nullable(),
  /** Set for replies (the API then adds In-Reply-To/References and flags the original \\Answered). */
  inReplyToId: messageId.optional(),
  /** Forward: the original attachments (forward as attachment: the message itself), already uploaded for this compose. */
  attachments: z.array(uploadResult),
});
export type ReplyDraft = z.infer<typeof replyDraft>;
