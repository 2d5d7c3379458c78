import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { mailboxArg } from '../server/mailbox-names';
import { accountOf } from '../server/session-helpers';
import { no, ok } from '../server/session-state';

/**
 * DELETE (RFC 3501 6.3.4): INBOX cannot be deleted. Child mailboxes stay; their parent name
 * then shows as \Noselect in LIST, as the RFC describes.
 */
export const deleteCommand = {
  name: 'DELETE',
  states: AUTHENTICATED,
  async handler(session, args) {
    const name = mailboxArg(args, session);
    args.end();
    if (name === 'INBOX') return no('INBOX cannot be deleted', 'CANNOT');
    const box = await session.store.getMailbox(accountOf(session), name);
    if (!box) return no('Mailbox does not exist', 'NONEXISTENT');
    if (session.state.kind === 'selected' && session.state.mailbox.id === box.id) session.deselect();
    await session.store.deleteMailbox(box.id);
    return ok('DELETE completed');
  },
} satisfies CommandSpec;
