import { defineCommand } from '../command';

/** NOOP [tag] (RFC 5804 2.13): OK, echoing the string as the TAG response code. */
export const noopCommand = defineCommand({
  name: 'NOOP',
  states: ['non-authenticated', 'authenticated'],
  args: ['string'],
  required: 0,
  async handle(ctx, _state, args) {
    const [tag] = args as [string | undefined];
    return tag === undefined ? ctx.ok('Done') : ctx.ok('Done', { name: 'TAG', value: tag });
  },
});
