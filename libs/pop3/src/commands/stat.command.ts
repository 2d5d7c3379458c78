import { defineCommand } from '../command';

/** STAT (RFC 1939 5): count and total octets of the messages not marked deleted. */
export const statCommand = defineCommand({
  verb: 'STAT',
  states: ['transaction'],
  args: { min: 0, max: 0 },
  async handle(ctx, state) {
    const { count, octets } = state.maildrop.stat();
    return ctx.ok(`${count} ${octets}`);
  },
});
