import { ANY_STATE, type CommandSpec } from '../server/command-spec';
import { ok } from '../server/session-state';

export const capabilityCommand = {
  name: 'CAPABILITY',
  states: ANY_STATE,
  async handler(session, args) {
    args.end();
    await session.untagged(`CAPABILITY ${session.capabilities().join(' ')}`);
    return ok('CAPABILITY completed');
  },
} satisfies CommandSpec;
