import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { ok } from '../server/session-state';

/** NAMESPACE (RFC 2342): one personal namespace, no prefix, "/" delimiter. */
export const namespaceCommand = {
  name: 'NAMESPACE',
  states: AUTHENTICATED,
  async handler(session, args) {
    args.end();
    await session.untagged('NAMESPACE (("" "/")) NIL NIL');
    return ok('NAMESPACE completed');
  },
} satisfies CommandSpec;
