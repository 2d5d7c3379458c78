import { normalizeLineEnds, REPLIES, SmtpReply } from '@mailstead/pipeline';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { SmtpContext } from '../smtp-context';
import { sessionClient } from '../session-client';
import { transactions } from './mail-from.command';

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
 * DATA (RFC 5321 4.1.1.4): read within SIZE, then the pipeline (libs/pipeline) checks the
 * message and stores every copy and outbound row in ONE transaction. The 250 goes out (the
 * returned text) only after COMMIT; anything failing before that throws and the client gets a
 * 4xx/5xx with nothing stored.
 */
export async function handleData(ctx: SmtpContext, stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string | undefined> {
  const received = await readMessage(stream, ctx.limits.maxMessageSize);
  if (!received) return undefined; // smtp-server answers 552 5.3.4 itself (rejectOversized)
  const tx = transactions.get(session.envelope);
  if (!tx) throw REPLIES.localError();
  tx.envelope.client = sessionClient(session);
  const receipt = await tx.deliver(normalizeLineEnds(received));
  const note = receipt.held.length > 0 ? `; the post to ${receipt.held.join(', ')} is held for moderation` : '';
  return `2.0.0 Ok: stored${note}`;
}

/** Any failure before COMMIT that is not already an SMTP reply: 451 4.3.0, try again (RFC 5321 4.2.5). */
export function dataFailure(ctx: SmtpContext, session: SMTPServerSession, error: unknown): SmtpReply {
  if (error instanceof SmtpReply) return error;
  ctx.logger.error({ session: session.id, err: error }, 'smtp delivery failed before commit');
  return REPLIES.localError();
}
