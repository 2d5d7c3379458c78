import { defineCommand } from '../command';

/** CAPABILITY (RFC 5804 2.4): the capability lines, then OK. */
export const capabilityCommand = defineCommand({
  name: 'CAPABILITY',
  states: ['non-authenticated', 'authenticated'],
  args: [],
  required: 0,
  async handle(ctx) {
    await ctx.send(ctx.capabilities());
    return ctx.ok('Capability completed');
  },
});
