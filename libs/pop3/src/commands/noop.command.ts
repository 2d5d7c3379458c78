import { defineCommand } from '../command';

/** NOOP (RFC 1939 5). */
export const noopCommand = defineCommand({
  verb: 'NOOP',
  states: ['transaction'],
  args: { min: 0, max: 0 },
  async handle(ctx) {
    return ctx.ok('');
  },
});
