import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { REPLIES } from '@mailstead/pipeline';
import { transactions } from './mail-from.command';

/**
 * RCPT TO (RFC 5321 4.1.1.3): the pipeline resolves the address now and runs its recipient
 * steps (relay policy), so unknown users, disabled and full mailboxes and list policies are
 * refused here rather than bounced later.
 */
export async function handleRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
  const tx = transactions.get(session.envelope);
  if (!tx) throw REPLIES.localError();
  await tx.addRecipient(address.address, { notify: address.dsn?.notify, orcpt: address.dsn?.orcpt ?? null });
}
