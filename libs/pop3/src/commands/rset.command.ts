import { defineCommand } from '../command';

/** RSET (RFC 1939 5): unmarks every message marked deleted. */
export const rsetCommand = defineCommand({
  verb: 'RSET',
  states: ['transaction'],
  args: { min: 0, max: 0 },
  async handle(ctx, state) {
    state.maildrop.reset();
    const { count, octets } = state.maildrop.stat();
    return ctx.ok(`Maildrop has ${count} messages (${octets} octets)`);
  },
});
