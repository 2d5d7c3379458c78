import { ANY_STATE, type CommandSpec } from '../server/command-spec';
import { ok } from '../server/session-state';

export const logoutCommand = {
  name: 'LOGOUT',
  states: ANY_STATE,
  async handler(session, args) {
    args.end();
    await session.untagged('BYE Logging out');
    session.deselect();
    session.state = { kind: 'logout' };
    return ok('LOGOUT completed');
  },
} satisfies CommandSpec;
