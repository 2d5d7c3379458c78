import { processListBounceReport } from '@mailstead/delivery';
import { parseMessage, withPrependedFields } from '@mailstead/mime';
import { StoreError } from '@mailstead/store';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { junkMailboxes, listParts, mergeRecipients, type DeliveryPart, type RecipientInput } from '../delivery-plan';
import {
  countFields,
  hasField,
  joinMessage,
  newMessageId,
  normalizeLineEnds,
  prependFields,
  receivedField,
  removeFields,
  rfc5322Date,
  splitMessage,
} from '../message-headers';
import { quotaVerdict } from '../recipient-resolver';
import { checkSender, removeForgedResults } from '../sender-checks';
import { type ListenerKind, type SmtpContext, sessionUser } from '../smtp-context';
import { REPLIES, SmtpReply, smtpReply } from '../smtp-reply';
import { resolutions } from './rcpt-to.command';

/** RFC 5321 6.3: a message that went through more hops than this is looping. */
export const MAX_RECEIVED_HEADERS = 30;

/** Reads the DATA stream; smtp-server has already undone dot-stuffing and stops counting past SIZE. */
async function readMessage(stream: SMTPServerDataStream, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    // past the limit the bytes are drained, not kept: memory stays bounded by SIZE
    if (size <= limit) chunks.push(chunk);
  }
  return stream.sizeExceeded || size > limit ? null : Buffer.concat(chunks, size);
}

/**
 * DATA (RFC 5321 4.1.1.4): read within SIZE, parse the header once, add trace fields, check
 * SPF/DKIM/DMARC on MX, prepare the submission, then store every copy and outbound row in ONE
 * transaction. The 250 goes out (the returned text) only after COMMIT; anything failing before
 * that throws and the client gets a 4xx/5xx with nothing stored.
 */
export async function handleData(ctx: SmtpContext, listener: ListenerKind, stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string | undefined> {
  const received = await readMessage(stream, ctx.limits.maxMessageSize);
  if (!received) return undefined; // smtp-server answers 552 5.3.4 itself (rejectOversized)
  const raw = normalizeLineEnds(received);
  const { header, body } = splitMessage(raw);
  if (countFields(header, 'received') > MAX_RECEIVED_HEADERS) throw REPLIES.loop();

  const mailFrom = session.envelope.mailFrom;
  const sender = mailFrom ? mailFrom.address : '';
  const user = listener === 'mx' ? null : sessionUser(session);
  const recipients: RecipientInput[] = session.envelope.rcptTo.map((rcpt) => {
    const resolution = resolutions.get(rcpt);
    if (!resolution) throw REPLIES.localError();
    return { resolution, notify: rcpt.dsn?.notify, orcpt: rcpt.dsn?.orcpt ?? null };
  });

  // Submission: From: must be owned too; Date and Message-ID added when missing (RFC 6409 8);
  // the Sent copy keeps Bcc, every delivered copy loses it (RFC 5322 3.6.3).
  let message = raw;
  let sentCopy: Buffer | null = null;
  if (user) {
    const parsed = parseMessage(Buffer.from(`${header}\r\n`, 'latin1'));
    const from = parsed.from.map((a) => a.address).filter((a): a is string => Boolean(a));
    for (const address of from) if (!(await ctx.store.accounts.canSendAs(user.accountId, address))) throw REPLIES.notOwner();
    const added: string[] = [];
    if (from.length === 0) added.push(`From: <${sender}>`);
    if (!hasField(header, 'date')) added.push(`Date: ${rfc5322Date()}`);
    if (!hasField(header, 'message-id')) added.push(`Message-ID: ${newMessageId(ctx.hostname)}`);
    const completed = joinMessage(header + added.map((f) => `${f}\r\n`).join(''), body);
    sentCopy = completed;
    const withoutBcc = splitMessage(completed);
    message = joinMessage(removeFields(withoutBcc.header, ['bcc']), withoutBcc.body);
  }

  const plan = mergeRecipients(recipients);
  const tls = session.secure && session.tlsOptions ? { version: session.tlsOptions.version ?? session.tlsOptions.standardName ?? 'TLS', cipher: session.tlsOptions.name } : false;
  const single = recipients.length === 1 ? recipients[0]!.resolution.address : undefined;
  const trace: string[] = [
    receivedField({
      helo: session.hostNameAppearsAs,
      clientHostname: session.clientHostname,
      ip: session.remoteAddress,
      hostname: ctx.hostname,
      protocol: session.transmissionType || 'ESMTP',
      tls,
      user: user?.address,
      id: session.id,
      recipient: single,
    }),
  ];

  // Inbound sender checks (MX only): Authentication-Results on top of our Received field.
  let junk: Map<number, number> | undefined;
  if (listener === 'mx' && ctx.senderChecks) {
    message = removeForgedResults(message, ctx.hostname);
    const verdict = await checkSender(message, { ip: session.remoteAddress, helo: session.hostNameAppearsAs, sender, hostname: ctx.hostname, resolver: ctx.dnsResolver });
    trace.unshift(...verdict.fields);
    if (verdict.dmarc?.result === 'fail' && (verdict.dmarc.policy === 'reject' || verdict.dmarc.policy === 'quarantine')) {
      if (ctx.dmarcReject && verdict.dmarc.policy === 'reject') throw smtpReply(550, '5.7.1', 'Message rejected by the sender domain\'s DMARC policy');
      const accounts = [...plan.mailboxes.map((m) => m.accountId), ...plan.lists.flatMap((l) => l.mailboxes.map((m) => m.accountId))];
      junk = await junkMailboxes(ctx.store, accounts);
    }
  }

  // Quota of the direct recipients once more, now that the size is known. Their counts are
  // RCPT's; the store checks the message limit again atomically with each insert (`limits`).
  const messageLimit = ctx.resolver.messageLimit;
  const limits = { messageLimit };
  for (const box of plan.mailboxes) {
    const verdict = quotaVerdict(box, message.length, messageLimit);
    if (verdict) throw verdict;
  }

  const withTrace = prependFields(message, trace);
  const parts: DeliveryPart[] = [];
  // Return-Path and Delivered-To at final delivery (RFC 5321 4.4; Delivered-To as Postfix's
  // local/virtual delivery writes it, naming the final recipient). Each local recipient gets its
  // own copy, so several local recipients mean several blobs: the bytes differ by that field.
  // One MIME parse serves them all (withPrependedFields shifts its offsets per copy).
  const traced = plan.mailboxes.length > 0 ? parseMessage(withTrace) : undefined;
  for (const m of plan.mailboxes) {
    const fields = [`Return-Path: <${sender}>`, `Delivered-To: ${m.address}`];
    const raw = prependFields(withTrace, fields);
    parts.push({ raw, parsed: withPrependedFields(traced!, fields, raw), targets: [{ mailboxId: junk?.get(m.accountId) ?? m.mailboxId }], options: { limits } });
  }
  if (plan.remote.length > 0) {
    const dsn = session.envelope.dsn;
    parts.push({
      raw: withTrace,
      targets: [],
      options: { outbound: { sender, recipients: plan.remote, envelopeId: dsn?.envid ?? null, ret: (dsn?.ret as 'FULL' | 'HDRS' | null | undefined) ?? null } },
    });
  }
  if (user && sentCopy) {
    const sent = await ctx.store.recipients.mailboxId(user.accountId, { specialUse: '\\Sent' });
    if (sent !== null) parts.push({ raw: sentCopy, targets: [{ mailboxId: sent, flags: ['\\Seen'] }], options: { limits } });
  }
  const held: string[] = [];
  for (const list of plan.lists) {
    if (list.held) {
      // before the main transaction, idempotent on the bytes: a retry after a 451 does not queue it twice
      await ctx.store.recipients.holdForModeration(list.list.id, raw, sender);
      held.push(list.list.address);
      continue;
    }
    parts.push(...listParts(withTrace, list, { links: ctx.listLinks, size: message.length, junk, messageLimit }));
  }

  let outboundIds: bigint[] = [];
  if (parts.length > 0) {
    try {
      const results = await ctx.store.messages.deliverBatch(parts);
      outboundIds = results.flatMap((r) => r.outboundIds);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'over_quota') throw REPLIES.overQuota();
      throw error;
    }
  }
  // COMMITTED. Outbound rows exist in Postgres; the delivery worker picks them up.
  if (outboundIds.length > 0) ctx.onOutbound?.(outboundIds);
  // A DSN to a list's bounce address counts bounces of the failed members (libs/delivery).
  for (const r of recipients) {
    const list = r.resolution.listBounce;
    if (!list) continue;
    try {
      await processListBounceReport(ctx.store, list, raw, ctx.listBouncePolicy ?? { threshold: 5, action: 'disable' }, ctx.logger);
    } catch (error) {
      ctx.logger.error({ session: session.id, err: error, list: list.address }, 'list bounce processing failed');
    }
  }
  ctx.logger.info(
    { session: session.id, sender, recipients: recipients.length, local: plan.mailboxes.length, remote: plan.remote.length, lists: plan.lists.length, held, size: message.length },
    'smtp message stored',
  );
  const note = held.length > 0 ? `; the post to ${held.join(', ')} is held for moderation` : '';
  return `2.0.0 Ok: stored${note}`;
}

/** Any failure before COMMIT that is not already an SMTP reply: 451 4.3.0, try again (RFC 5321 4.2.5). */
export function dataFailure(ctx: SmtpContext, session: SMTPServerSession, error: unknown): SmtpReply {
  if (error instanceof SmtpReply) return error;
  ctx.logger.error({ session: session.id, err: error }, 'smtp delivery failed before commit');
  return REPLIES.localError();
}
