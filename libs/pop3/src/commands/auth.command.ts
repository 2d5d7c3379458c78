import { decodeSaslPlain, proxiesAnotherUser } from '@mailstead/auth';
import { defineCommand } from '../command';
import { completeLogin } from '../login';

/**
 * AUTH mechanism [initial-response] (RFC 5034). Only PLAIN (RFC 4616), and only over TLS or
 * loopback. Without an initial response the server sends "+ " and reads the response on the
 * next line. libs/auth decodes it ("=" is an empty initial response, "*" cancels: RFC 5034 4).
 * AUTH without a mechanism lists the mechanisms, as many clients still expect (RFC 1734 style).
 */
export const authCommand = defineCommand({
  verb: 'AUTH',
  states: ['authorization'],
  args: { min: 0, max: 2 },
  sensitive: true,
  async handle(ctx, _state, line) {
    const [mechanism, initial] = line.args;
    if (mechanism === undefined) {
      return ctx.multiline('Supported mechanisms', Buffer.from(ctx.secured ? 'PLAIN\r\n' : ''));
    }
    if (mechanism.toUpperCase() !== 'PLAIN') return ctx.err(`Unsupported authentication mechanism ${mechanism.slice(0, 30)}`);
    if (!ctx.secured) {
      return ctx.err('Plaintext authentication disallowed on non-secure connections; use STLS first', 'AUTH');
    }
    let decoded;
    if (initial !== undefined) decoded = decodeSaslPlain(initial, 'initial');
    else {
      const response = await ctx.continuation('');
      if (response === undefined) return ctx.syntaxError('Authentication line too long');
      decoded = decodeSaslPlain(response, 'continuation');
    }
    if (!decoded.ok) {
      if (decoded.problem === 'cancelled') return ctx.err('Authentication cancelled');
      return ctx.err(`Authentication failed: ${decoded.problem}`, 'AUTH');
    }
    if (proxiesAnotherUser(decoded)) return ctx.err('Authentication failed: authorization identity must be empty or the same user', 'AUTH');
    return completeLogin(ctx, decoded.authcid, decoded.password);
  },
});
