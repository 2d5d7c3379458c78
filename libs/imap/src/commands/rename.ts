import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { DELIMITER, mailboxArg, newMailboxNameProblem } from '../server/mailbox-names';
import { accountOf } from '../server/session-helpers';
import { no, ok } from '../server/session-state';

/**
 * RENAME (RFC 3501 6.3.5). Renaming INBOX moves all its messages into a new mailbox of the
 * new name and leaves INBOX empty; any other mailbox is renamed with its children.
 */
export const renameCommand = {
  name: 'RENAME',
  states: AUTHENTICATED,
  async handler(session, args) {
    const from = mailboxArg(args, session);
    let to = mailboxArg(args, session);
    args.end();
    while (to.endsWith(DELIMITER)) to = to.slice(0, -1);
    const accountId = accountOf(session);
    const problem = newMailboxNameProblem(to);
    if (problem) return no(problem, 'CANNOT');
    const source = await session.store.getMailbox(accountId, from);
    if (!source) return no('Mailbox does not exist', 'NONEXISTENT');
    if (to === 'INBOX' || (await session.store.getMailbox(accountId, to))) return no('Target mailbox already exists', 'ALREADYEXISTS');
    if (to.startsWith(`${from}${DELIMITER}`)) return no('Cannot rename a mailbox into itself', 'CANNOT');
    if (from === 'INBOX') {
      const target = await session.store.createMailbox(accountId, to);
      const { uids } = await session.store.uids(source.id);
      if (uids.length > 0) await session.store.copy(source.id, uids, target.id, true);
      // RFC 5464 4.1: the new mailbox gets a copy of INBOX's annotations; INBOX keeps them.
      await session.store.copyMetadata(source.id, target.id);
      return ok('RENAME completed');
    }
    await session.store.renameMailbox(accountId, from, to);
    if (session.state.kind === 'selected' && session.state.mailbox.id === source.id) session.state.mailbox.summary.name = to;
    return ok('RENAME completed');
  },
} satisfies CommandSpec;
