import { defineCommand } from '../command';
import { answer } from './outcome';

/** DELETESCRIPT name (RFC 5804 2.10): NO (ACTIVE) for the active script, NO (NONEXISTENT) for a missing one. */
export const deletescriptCommand = defineCommand({
  name: 'DELETESCRIPT',
  states: ['authenticated'],
  args: ['string'],
  required: 1,
  async handle(ctx, state, args) {
    const [name] = args as [string];
    return answer(ctx, await ctx.services.scripts.remove(state.accountId, name), 'Script deleted');
  },
});
