import { defineCommand } from '../command';
import { completeLogin } from '../login';

/**
 * PASS string (RFC 1939 7): the whole rest of the line is the password, spaces included
 * ("a server may treat spaces in the argument as part of the password").
 */
export const passCommand = defineCommand({
  verb: 'PASS',
  states: ['authorization'],
  args: { min: 1, max: Number.MAX_SAFE_INTEGER },
  sensitive: true,
  async handle(ctx, state, line) {
    if (!ctx.secured) {
      return ctx.err('Plaintext authentication disallowed on non-secure connections; use STLS first', 'AUTH');
    }
    if (state.user === undefined) return ctx.err('Send USER first');
    return completeLogin(ctx, state.user, line.rest);
  },
});
