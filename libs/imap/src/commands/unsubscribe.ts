import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { setSubscription } from './subscribe';

export const unsubscribeCommand = {
  name: 'UNSUBSCRIBE',
  states: AUTHENTICATED,
  handler: (session, args) => setSubscription(session, args, false),
} satisfies CommandSpec;
