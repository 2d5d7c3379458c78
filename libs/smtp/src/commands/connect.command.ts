import { smtpReply, type DeliveryPipeline } from '@mailstead/pipeline';
import type { SMTPServerSession } from 'smtp-server';
import type { ListenerKind, SmtpContext } from '../smtp-context';
import { sessionClient } from '../session-client';

/** Open connections per client IP, shared by the three listeners of this process. */
export class ConnectionCounter {
  private readonly perIp = new Map<string, number>();
  private readonly counted = new Set<string>();

  tryAdd(sessionId: string, ip: string, max: number): boolean {
    const n = this.perIp.get(ip) ?? 0;
    if (n >= max) return false;
    this.perIp.set(ip, n + 1);
    this.counted.add(sessionId);
    return true;
  }

  remove(sessionId: string, ip: string): void {
    if (!this.counted.delete(sessionId)) return;
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }
}

/**
 * A new connection: per-IP cap (421 4.7.0), the pipeline's connection checks, then on MX an
 * optional pause before the greeting;
 * smtp-server answers anything a client sends during it with 421 "You talk too soon" and
 * closes (early-talker rejection, as postscreen does: RFC 5321 4.3.1 says wait for the 220).
 */
export async function handleConnect(ctx: SmtpContext, pipeline: DeliveryPipeline, listener: ListenerKind, counter: ConnectionCounter, session: SMTPServerSession): Promise<void> {
  if (!counter.tryAdd(session.id, session.remoteAddress, ctx.limits.maxConnectionsPerIp)) {
    ctx.logger.warn({ session: session.id, ip: session.remoteAddress, listener }, 'smtp connection refused: per-IP limit');
    throw smtpReply(421, '4.7.0', 'Too many connections from your address, try again later');
  }
  await pipeline.connect(listener === 'mx' ? 'mx' : 'submission', sessionClient(session));
  if (listener === 'mx' && ctx.limits.greetingDelayMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, ctx.limits.greetingDelayMs));
  }
}
