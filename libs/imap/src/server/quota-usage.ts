import type { QuotaUsageInput } from '../ext';
import type { ImapSession } from './imap-session';
import { accountOf } from './session-helpers';

/** The logged-in account's quota root usage and limits (RFC 9208), from the store and server options. */
export async function accountQuota(session: ImapSession): Promise<QuotaUsageInput> {
  const usage = await session.store.quotaUsage(accountOf(session));
  const messageQuota = session.server.options.messageQuota ?? 0;
  return {
    storageBytes: usage?.storageBytes ?? 0n,
    storageLimitBytes: usage?.storageLimitBytes ?? null,
    messages: usage?.messages ?? 0,
    messageLimit: messageQuota > 0 ? messageQuota : null,
  };
}
