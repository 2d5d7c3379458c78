import { SELECTED, type CommandSpec } from '../server/command-spec';
import { selectedOf } from '../server/session-helpers';
import { ok } from '../server/session-state';

/** CLOSE (RFC 3501 6.4.2): expunges silently when read-write, then leaves the mailbox. */
export const closeCommand = {
  name: 'CLOSE',
  states: SELECTED,
  async handler(session, args) {
    args.end();
    const box = selectedOf(session);
    session.deselect();
    if (!box.readOnly) await session.store.expunge(box.id);
    return ok('CLOSE completed');
  },
} satisfies CommandSpec;
