import { defineCommand } from '../command';

/**
 * STLS (RFC 2595 4): only in AUTHORIZATION and only once. After "+OK" the TLS handshake
 * starts; anything the client pipelined after STLS in the clear is thrown away, and the
 * session starts over (a USER given before is forgotten).
 */
export const stlsCommand = defineCommand({
  verb: 'STLS',
  states: ['authorization'],
  args: { min: 0, max: 0 },
  async handle(ctx) {
    if (ctx.tlsActive) return ctx.err('TLS is already active');
    if (!ctx.canStartTls) return ctx.err('TLS is not available');
    ctx.setState({ name: 'authorization' });
    await ctx.ok('Begin TLS negotiation');
    return ctx.startTls();
  },
});
