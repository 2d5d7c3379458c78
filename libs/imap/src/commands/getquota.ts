import { ACCOUNT_QUOTA_ROOT, formatQuota, quotaResources } from '../ext';
import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { accountQuota } from '../server/quota-usage';
import { no, ok } from '../server/session-state';

/** GETQUOTA (RFC 9208 4.2): the one quota root of an account is "". */
export const getquotaCommand = {
  name: 'GETQUOTA',
  states: AUTHENTICATED,
  async handler(session, args) {
    const root = args.string('quota root');
    args.end();
    if (root !== ACCOUNT_QUOTA_ROOT) return no('No such quota root', 'NONEXISTENT');
    await session.untagged(formatQuota(ACCOUNT_QUOTA_ROOT, quotaResources(await accountQuota(session))).slice(2));
    return ok('GETQUOTA completed');
  },
} satisfies CommandSpec;
