import { defineCommand } from '../command';
import { answer } from './outcome';

/**
 * PUTSCRIPT name script (RFC 5804 2.6): stores the script once it compiles; an existing script
 * by that name is replaced (and stays active if it was). Compile errors answer NO with their
 * lines and columns.
 */
export const putscriptCommand = defineCommand({
  name: 'PUTSCRIPT',
  states: ['authenticated'],
  args: ['string', 'string'],
  required: 2,
  async handle(ctx, state, args) {
    const [name, content] = args as [string, string];
    return answer(ctx, await ctx.services.scripts.put(state.accountId, name, content), 'Script stored');
  },
});
