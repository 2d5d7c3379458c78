import { defineCommand } from '../command';

/** USER name (RFC 1939 7): names the mailbox for PASS; refused before TLS (RFC 2595 2.1). */
export const userCommand = defineCommand({
  verb: 'USER',
  states: ['authorization'],
  args: { min: 1, max: 1 },
  async handle(ctx, _state, line) {
    if (!ctx.secured) {
      return ctx.err('Plaintext authentication disallowed on non-secure connections; use STLS first', 'AUTH');
    }
    ctx.setState({ name: 'authorization', user: line.args[0]! });
    return ctx.ok('Send PASS');
  },
});
