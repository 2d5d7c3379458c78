import { ANY_STATE, type CommandSpec } from '../server/command-spec';
import { ok } from '../server/session-state';
import { SyntaxError } from '../protocol/command-reader';

/** ID (RFC 2971): the client's fields are read and ignored; ours are name and vendor. */
export const idCommand = {
  name: 'ID',
  states: ANY_STATE,
  async handler(session, args) {
    const node = args.next('client parameters');
    if (!(node.kind === 'list' || (node.kind === 'atom' && node.value.toUpperCase() === 'NIL'))) throw new SyntaxError('Expected a list or NIL');
    if (node.kind === 'list' && (node.items.length % 2 !== 0 || node.items.length > 60)) throw new SyntaxError('Invalid ID parameters');
    args.end();
    await session.untagged('ID ("name" "Mailstead" "vendor" "Mailstead")');
    return ok('ID completed');
  },
} satisfies CommandSpec;
