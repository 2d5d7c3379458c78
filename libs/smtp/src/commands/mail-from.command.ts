import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { type ListenerKind, type SmtpContext, sessionUser } from '../smtp-context';
import { REPLIES, smtpReply } from '../smtp-reply';

/**
 * MAIL FROM (RFC 5321 4.1.1.2). On submission the sender must be authenticated and the
 * address must be one it owns (its own, an alias that reaches it, or one granted to it).
 */
export async function handleMailFrom(ctx: SmtpContext, listener: ListenerKind, address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
  // RFC 3461 4.4: ENVID is at most 100 printable US-ASCII characters (smtp-server has decoded
  // the xtext and refused control characters); it goes into our DSNs, so hold it to that.
  const envid = address.args ? (address.args as Record<string, unknown>).ENVID : undefined;
  if (typeof envid === 'string' && !/^[\x20-\x7e]{1,100}$/.test(envid)) throw smtpReply(501, '5.5.4', 'Invalid ENVID: at most 100 printable ASCII characters');
  if (listener === 'mx') return;
  const user = sessionUser(session);
  if (!user) throw REPLIES.authRequired();
  if (!address.address || !(await ctx.store.accounts.canSendAs(user.accountId, address.address))) throw REPLIES.notOwner();
}
