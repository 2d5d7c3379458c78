import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { Resolution } from '../recipient-resolver';
import { type ListenerKind, type SmtpContext, sessionUser } from '../smtp-context';
import { REPLIES } from '../smtp-reply';

/** The resolution of each accepted RCPT, kept beside smtp-server's own envelope entry. */
export const resolutions = new WeakMap<SMTPServerAddress, Resolution>();

/**
 * RCPT TO (RFC 5321 4.1.1.3): resolve now, so unknown users, disabled and full mailboxes and
 * list policies are refused here rather than bounced later. Never an open relay: without
 * authentication only our own domains are accepted.
 */
export async function handleRcptTo(ctx: SmtpContext, listener: ListenerKind, address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
  const mailFrom = session.envelope.mailFrom;
  const sender = mailFrom ? mailFrom.address : '';
  const declared = mailFrom && mailFrom.args && typeof mailFrom.args === 'object' ? Number((mailFrom.args as Record<string, string>).SIZE ?? 0) : 0;
  const outcome = await ctx.resolver.resolve(address.address, { sender, size: Number.isFinite(declared) ? declared : 0 });
  if (!outcome.ok) throw outcome.reply;
  const authenticated = listener !== 'mx' && sessionUser(session) !== null;
  if (!outcome.resolution.local && !authenticated) throw REPLIES.relayDenied();
  resolutions.set(address, outcome.resolution);
}
