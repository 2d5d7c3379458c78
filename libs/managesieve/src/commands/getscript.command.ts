import { defineCommand } from '../command';

/** GETSCRIPT name (RFC 5804 2.9): the script as a literal, CRLF, OK; NO (NONEXISTENT) when there is none. */
export const getscriptCommand = defineCommand({
  name: 'GETSCRIPT',
  states: ['authenticated'],
  args: ['string'],
  required: 1,
  async handle(ctx, state, args) {
    const [name] = args as [string];
    const content = await ctx.services.scripts.get(state.accountId, name);
    if (content === null) return ctx.no('There is no script by that name', 'NONEXISTENT');
    const bytes = Buffer.from(content, 'utf8');
    // Always a literal: a script is text of lines, and clients expect {n} here.
    await ctx.send(Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`), bytes, Buffer.from('\r\n')]));
    return ctx.ok('Getscript completed');
  },
});
