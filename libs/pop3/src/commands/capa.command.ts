import { defineCommand } from '../command';

/**
 * CAPA (RFC 2449 5). Before login it offers STLS while TLS is not active, and USER and SASL
 * PLAIN only where passwords may be sent; after login only what applies to TRANSACTION.
 */
export const capaCommand = defineCommand({
  verb: 'CAPA',
  states: ['authorization', 'transaction'],
  args: { min: 0, max: 0 },
  async handle(ctx, state) {
    const lines = ['TOP', 'UIDL', 'RESP-CODES', 'PIPELINING', 'EXPIRE NEVER'];
    if (ctx.services.loginDelaySeconds > 0) lines.push(`LOGIN-DELAY ${ctx.services.loginDelaySeconds}`);
    if (state.name === 'authorization') {
      if (ctx.secured) lines.push('USER', 'SASL PLAIN');
      if (ctx.canStartTls) lines.push('STLS');
      lines.push('AUTH-RESP-CODE');
    }
    lines.push('IMPLEMENTATION Mailstead');
    return ctx.multiline('Capability list follows', Buffer.from(lines.map((l) => `${l}\r\n`).join('')));
  },
});
