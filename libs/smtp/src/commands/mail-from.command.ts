import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { type ListenerKind, type SmtpContext, sessionUser } from '../smtp-context';
import { REPLIES } from '../smtp-reply';

/**
 * MAIL FROM (RFC 5321 4.1.1.2). On submission the sender must be authenticated and the
 * address must be one it owns (its own, an alias that reaches it, or one granted to it).
 */
export async function handleMailFrom(ctx: SmtpContext, listener: ListenerKind, address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
  if (listener === 'mx') return;
  const user = sessionUser(session);
  if (!user) throw REPLIES.authRequired();
  if (!address.address || !(await ctx.store.accounts.canSendAs(user.accountId, address.address))) throw REPLIES.notOwner();
}
