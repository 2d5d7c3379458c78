import { SELECTED, type CommandSpec } from '../server/command-spec';
import { ok } from '../server/session-state';

/** UNSELECT (RFC 3691): CLOSE without the expunge. */
export const unselectCommand = {
  name: 'UNSELECT',
  states: SELECTED,
  async handler(session, args) {
    args.end();
    session.deselect();
    return ok('UNSELECT completed');
  },
} satisfies CommandSpec;
