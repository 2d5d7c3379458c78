import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { parseFlagNodes } from '../server/flags';
import { mailboxArg } from '../server/mailbox-names';
import { accountOf } from '../server/session-helpers';
import { no, ok } from '../server/session-state';
import { parseDateTime } from '../protocol/arguments';
import { SyntaxError } from '../protocol/command-reader';

/**
 * APPEND (RFC 3501 6.3.11) with UIDPLUS APPENDUID (RFC 4315). A missing mailbox answers
 * [TRYCREATE]; the literal size is bounded by the reader (APPENDLIMIT), answering [TOOBIG].
 */
export const appendCommand = {
  name: 'APPEND',
  states: AUTHENTICATED,
  async handler(session, args) {
    const name = mailboxArg(args);
    const flagNodes = args.optionalList();
    let internalDate: Date | undefined;
    const maybeDate = args.peek();
    if (maybeDate?.kind === 'string' && !maybeDate.literal) {
      args.next('date');
      internalDate = parseDateTime(maybeDate.value.toString('latin1'));
    }
    const message = args.next('message literal');
    if (message.kind !== 'string' || !message.literal) throw new SyntaxError('Expected the message as a literal');
    args.end();
    const flags = parseFlagNodes(flagNodes ?? []).filter((f) => f !== '\\Recent');
    if (message.value.length === 0) return no('Empty message');
    const box = await session.store.getMailbox(accountOf(session), name);
    if (!box) return no('Mailbox does not exist', 'TRYCREATE');
    const stored = await session.store.append(box.id, { raw: message.value, flags, internalDate });
    if (session.state.kind === 'selected' && session.state.mailbox.id === box.id) session.state.mailbox.dirty = true;
    return ok('APPEND completed', `APPENDUID ${stored.uidValidity} ${stored.uid}`);
  },
} satisfies CommandSpec;
