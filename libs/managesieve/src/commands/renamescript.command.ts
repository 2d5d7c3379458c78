import { defineCommand } from '../command';
import { answer } from './outcome';

/** RENAMESCRIPT old new (RFC 5804 2.11.1): NO (NONEXISTENT) / NO (ALREADYEXISTS); an active script stays active. */
export const renamescriptCommand = defineCommand({
  name: 'RENAMESCRIPT',
  states: ['authenticated'],
  args: ['string', 'string'],
  required: 2,
  async handle(ctx, state, args) {
    const [from, to] = args as [string, string];
    return answer(ctx, await ctx.services.scripts.rename(state.accountId, from, to), 'Script renamed');
  },
});
