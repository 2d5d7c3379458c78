import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { BadEventError, parseNotify } from '../ext/notify';
import { decodeNameArg, normalizeName } from '../server/mailbox-names';
import { utf8Names } from '../server/imap4rev2';
import { NotifyWatch } from '../server/notify-watch';
import { accountOf } from '../server/session-helpers';
import { no, ok } from '../server/session-state';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';

/**
 * NOTIFY (RFC 5465): NOTIFY NONE stops all notifications; NOTIFY SET replaces what the
 * session watches (server/notify-watch.ts does the watching and writing).
 */
export const notifyCommand = {
  name: 'NOTIFY',
  states: AUTHENTICATED,
  async handler(session, args) {
    const nodes: ArgNode[] = [];
    while (args.remaining > 0) nodes.push(args.next('NOTIFY argument'));
    const decode = (raw: string) => {
      const name = decodeNameArg(raw, utf8Names(session));
      if (name === null) throw new SyntaxError('Invalid mailbox name');
      return normalizeName(name);
    };
    let spec;
    try {
      spec = parseNotify(nodes, decode);
    } catch (error) {
      if (error instanceof BadEventError) return no('Unsupported event', error.code);
      throw error;
    }
    session.setNotify(undefined);
    if (spec === null) return ok('NOTIFY completed');
    const watch = await NotifyWatch.start(session, spec, accountOf(session));
    session.setNotify(watch);
    if (spec.status) await watch.initialStatus();
    return ok('NOTIFY completed');
  },
} satisfies CommandSpec;
