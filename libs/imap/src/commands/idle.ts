import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { bad, ok } from '../server/session-state';

/**
 * IDLE (RFC 2177): changes to the selected mailbox, made by any session in any process
 * (the store's change feed), are pushed as they happen until the client sends DONE.
 */
export const idleCommand = {
  name: 'IDLE',
  states: AUTHENTICATED,
  alwaysSync: true,
  async handler(session, args) {
    args.end();
    await session.write('+ idling\r\n');
    session.setIdling(true);
    const push = () => {
      session.sync(true).catch((e: unknown) => session.log?.warn({ session: session.id, err: String(e) }, 'imap idle sync failed'));
    };
    session.changeListener = push;
    push();
    const line = await session.readLine();
    session.changeListener = undefined;
    session.setIdling(false);
    if (line === null) return ok('IDLE terminated');
    if (line.trim().toUpperCase() !== 'DONE') return bad('Expected DONE');
    return ok('IDLE terminated');
  },
} satisfies CommandSpec;
