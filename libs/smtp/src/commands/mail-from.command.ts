import { smtpReply, type DeliveryPipeline, type DeliveryTransaction, type Envelope } from '@mailstead/pipeline';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { type ListenerKind, sessionUser } from '../smtp-context';
import { sessionClient } from '../session-client';

/** The pipeline transaction of each SMTP transaction; smtp-server makes a new envelope object at every MAIL FROM reset. */
export const transactions = new WeakMap<SMTPServerSession['envelope'], DeliveryTransaction>();

/**
 * MAIL FROM (RFC 5321 4.1.1.2): starts the pipeline's transaction. On submission its
 * sender-ownership step requires AUTH and an address the user owns.
 */
export async function handleMailFrom(pipeline: DeliveryPipeline, listener: ListenerKind, address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
  const args = (address.args && typeof address.args === 'object' ? address.args : {}) as Record<string, unknown>;
  // RFC 3461 4.4: ENVID is at most 100 printable US-ASCII characters (smtp-server has decoded
  // the xtext and refused control characters); it goes into our DSNs, so hold it to that.
  const envid = args.ENVID;
  if (typeof envid === 'string' && !/^[\x20-\x7e]{1,100}$/.test(envid)) throw smtpReply(501, '5.5.4', 'Invalid ENVID: at most 100 printable ASCII characters');
  const declared = Number(args.SIZE ?? 0);
  const ret = args.RET === 'FULL' || args.RET === 'HDRS' ? args.RET : null;
  const user = listener === 'mx' ? null : sessionUser(session);
  const envelope: Envelope = {
    source: listener === 'mx' ? 'mx' : 'submission',
    sender: address.address,
    submitter: user,
    // the session's one ClientInfo (HELO and TLS as they are now; DATA brings it up to date)
    client: sessionClient(session),
    dsn: { envid: typeof envid === 'string' ? envid : null, ret },
    declaredSize: Number.isFinite(declared) ? declared : 0,
  };
  transactions.set(session.envelope, await pipeline.begin(envelope));
}
