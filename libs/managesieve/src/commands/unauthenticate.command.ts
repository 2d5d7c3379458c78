import { defineCommand } from '../command';

/** UNAUTHENTICATE (RFC 5804 2.14.1): back to the non-authenticated state, where AUTHENTICATE may be given again. */
export const unauthenticateCommand = defineCommand({
  name: 'UNAUTHENTICATE',
  states: ['authenticated'],
  args: [],
  required: 0,
  async handle(ctx, state) {
    ctx.log.info({ user: state.address }, 'managesieve unauthenticate');
    ctx.setState({ name: 'non-authenticated' });
    return ctx.ok('Unauthenticated');
  },
});
