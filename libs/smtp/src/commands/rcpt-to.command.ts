import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { REPLIES, SmtpReply, smtpReply } from '@mailstead/pipeline';
import type { SmtpContext } from '../smtp-context';
import { transactions } from './mail-from.command';

/** Unknown recipients each session has tried (smtp-server keeps one session object per connection). */
const unknownRecipients = new WeakMap<SMTPServerSession, number>();

/**
 * RCPT TO (RFC 5321 4.1.1.3): the pipeline resolves the address now and runs its recipient
 * steps (relay policy, DNS lists, HELO checks, greylisting), so unknown users, disabled and full
 * mailboxes and list policies are refused here rather than bounced later. A session that has
 * tried `maxRefusedRecipients` unknown users is harvesting addresses (a dictionary attack): that
 * refusal becomes 421 4.7.0 and the connection is closed (RFC 5321 3.8 lets a server close with 421).
 */
export async function handleRcptTo(ctx: SmtpContext, address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
  const tx = transactions.get(session.envelope);
  if (!tx) throw REPLIES.localError();
  try {
    await tx.addRecipient(address.address, { notify: address.dsn?.notify, orcpt: address.dsn?.orcpt ?? null });
  } catch (error) {
    const cap = ctx.limits.maxRefusedRecipients ?? 0;
    if (cap > 0 && error instanceof SmtpReply && error.enhancedCode === '5.1.1') {
      const tried = (unknownRecipients.get(session) ?? 0) + 1;
      unknownRecipients.set(session, tried);
      if (tried >= cap) {
        ctx.logger.warn({ session: session.id, ip: session.remoteAddress, unknownRecipients: tried }, 'smtp session closed: too many unknown recipients');
        throw smtpReply(421, '4.7.0', `${error.text}; too many unknown recipients, closing connection`);
      }
    }
    throw error;
  }
}
