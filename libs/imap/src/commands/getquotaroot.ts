import { utf8Names } from '../server/imap4rev2';
import { ACCOUNT_QUOTA_ROOT, formatQuota, quotaResources } from '../ext';
import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { mailboxArg } from '../server/mailbox-names';
import { accountQuota } from '../server/quota-usage';
import { accountOf } from '../server/session-helpers';
import { no, ok } from '../server/session-state';
import { ResponseBuilder } from '../protocol/response-writer';

/** GETQUOTAROOT (RFC 9208 4.3): every mailbox of the account is under the root "". */
export const getquotarootCommand = {
  name: 'GETQUOTAROOT',
  states: AUTHENTICATED,
  async handler(session, args) {
    const name = mailboxArg(args, session);
    args.end();
    const box = await session.store.getMailbox(accountOf(session), name);
    if (!box) return no('Mailbox does not exist', 'NONEXISTENT');
    await session.write(new ResponseBuilder().raw('* QUOTAROOT ').mailbox(box.name, utf8Names(session)).raw(' ""').end());
    await session.untagged(formatQuota(ACCOUNT_QUOTA_ROOT, quotaResources(await accountQuota(session))).slice(2));
    return ok('GETQUOTAROOT completed');
  },
} satisfies CommandSpec;
