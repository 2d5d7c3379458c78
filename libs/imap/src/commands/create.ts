import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { DELIMITER, mailboxArg, newMailboxNameProblem } from '../server/mailbox-names';
import { accountOf } from '../server/session-helpers';
import { no, ok } from '../server/session-state';
import { mailboxObjectId } from '../ext/objectid';

/** CREATE (RFC 3501 6.3.3): a trailing delimiter is dropped; missing parents are created too. */
export const createCommand = {
  name: 'CREATE',
  states: AUTHENTICATED,
  async handler(session, args) {
    let name = mailboxArg(args, session);
    args.end();
    while (name.endsWith(DELIMITER)) name = name.slice(0, -1);
    const problem = newMailboxNameProblem(name);
    if (problem) return no(problem, 'CANNOT');
    if (name === 'INBOX') return no('INBOX already exists', 'ALREADYEXISTS');
    const accountId = accountOf(session);
    if (await session.store.getMailbox(accountId, name)) return no('Mailbox already exists', 'ALREADYEXISTS');
    const parts = name.split(DELIMITER);
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join(DELIMITER);
      if (!(await session.store.getMailbox(accountId, parent))) {
        await session.store.createMailbox(accountId, parent).catch(() => undefined);
      }
    }
    const created = await session.store.createMailbox(accountId, name);
    // RFC 8474 4.1: the new mailbox's MAILBOXID.
    return ok('CREATE completed', `MAILBOXID (${mailboxObjectId(created.id)})`);
  },
} satisfies CommandSpec;
