import { SELECTED, type CommandSpec } from '../server/command-spec';
import { ok } from '../server/session-state';

/** CHECK (RFC 3501 6.4.1): nothing to flush, every change is committed; acts like NOOP. */
export const checkCommand = {
  name: 'CHECK',
  states: SELECTED,
  alwaysSync: true,
  async handler(_session, args) {
    args.end();
    return ok('CHECK completed');
  },
} satisfies CommandSpec;
