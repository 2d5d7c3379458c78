import { defineCommand } from '../command';
import { dataLine } from '../responses';

/** LISTSCRIPTS (RFC 5804 2.7): one line per script, the active one marked ACTIVE, then OK. */
export const listscriptsCommand = defineCommand({
  name: 'LISTSCRIPTS',
  states: ['authenticated'],
  args: [],
  required: 0,
  async handle(ctx, state) {
    const scripts = await ctx.services.scripts.list(state.accountId);
    if (scripts.length > 0) await ctx.send(Buffer.concat(scripts.map((s) => (s.active ? dataLine(s.name, { atom: 'ACTIVE' }) : dataLine(s.name)))));
    return ctx.ok('Listscripts completed');
  },
});
