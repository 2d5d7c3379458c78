import { defineCommand } from '../command';
import { answer } from './outcome';

/** HAVESPACE name size (RFC 5804 2.5): OK, or NO (QUOTA/MAXSIZE) / NO (QUOTA/MAXSCRIPTS). */
export const havespaceCommand = defineCommand({
  name: 'HAVESPACE',
  states: ['authenticated'],
  args: ['string', 'number'],
  required: 2,
  async handle(ctx, state, args) {
    const [name, size] = args as [string, number];
    return answer(ctx, await ctx.services.scripts.haveSpace(state.accountId, name, size), 'Putscript would succeed');
  },
});
