import { defineCommand } from '../command';

/**
 * STARTTLS (RFC 5804 2.2): OK, the TLS handshake, then the capabilities again followed by OK
 * (they may differ: SASL PLAIN appears). Commands pipelined in the clear after it are dropped.
 */
export const starttlsCommand = defineCommand({
  name: 'STARTTLS',
  states: ['non-authenticated'],
  args: [],
  required: 0,
  async handle(ctx) {
    if (ctx.tlsActive) return ctx.no('TLS is already active');
    if (!ctx.canStartTls) return ctx.no('TLS is not available');
    await ctx.ok('Begin TLS negotiation now');
    await ctx.startTls();
    if (!ctx.tlsActive) return;
    await ctx.send(ctx.capabilities());
    return ctx.ok('TLS negotiation successful');
  },
});
