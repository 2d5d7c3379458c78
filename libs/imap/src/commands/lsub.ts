import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { runList } from './list';

/** LSUB (RFC 3501 6.3.9): LIST limited to subscribed names. */
export const lsubCommand = {
  name: 'LSUB',
  states: AUTHENTICATED,
  handler: (session, args) => runList(session, args, true),
} satisfies CommandSpec;
