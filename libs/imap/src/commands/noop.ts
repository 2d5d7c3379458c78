import { ANY_STATE, type CommandSpec } from '../server/command-spec';
import { ok } from '../server/session-state';

/** NOOP: the session's mailbox view is brought up to date after it (alwaysSync). */
export const noopCommand = {
  name: 'NOOP',
  states: ANY_STATE,
  alwaysSync: true,
  async handler(_session, args) {
    args.end();
    return ok('NOOP completed');
  },
} satisfies CommandSpec;
