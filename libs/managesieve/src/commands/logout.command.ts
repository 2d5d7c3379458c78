import { defineCommand } from '../command';

/** LOGOUT (RFC 5804 2.3): OK, then the server closes the connection. */
export const logoutCommand = defineCommand({
  name: 'LOGOUT',
  states: ['non-authenticated', 'authenticated'],
  args: [],
  required: 0,
  async handle(ctx) {
    await ctx.ok('Logout completed');
    ctx.end();
  },
});
