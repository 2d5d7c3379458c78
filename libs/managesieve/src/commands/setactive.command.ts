import { defineCommand } from '../command';
import { answer } from './outcome';

/** SETACTIVE name (RFC 5804 2.8): makes it the only active script; "" deactivates every script. */
export const setactiveCommand = defineCommand({
  name: 'SETACTIVE',
  states: ['authenticated'],
  args: ['string'],
  required: 1,
  async handle(ctx, state, args) {
    const [name] = args as [string];
    return answer(ctx, await ctx.services.scripts.setActive(state.accountId, name === '' ? null : name), name === '' ? 'No script is active' : 'Script activated');
  },
});
