import { defineCommand } from '../command';
import { answer } from './outcome';

/** CHECKSCRIPT script (RFC 5804 2.12): compiles without storing. */
export const checkscriptCommand = defineCommand({
  name: 'CHECKSCRIPT',
  states: ['authenticated'],
  args: ['string'],
  required: 1,
  async handle(ctx, state, args) {
    const [content] = args as [string];
    return answer(ctx, await ctx.services.scripts.check(state.accountId, content), 'Script is valid');
  },
});
