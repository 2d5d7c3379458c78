import type { CommandContext } from './command';
import { Maildrop } from './maildrop';
import { MessageFetcher } from './message-fetcher';

/**
 * The end of every login (PASS, AUTH PLAIN): check the credentials through the shared
 * Authenticator (which throttles failures per IP and account), take the maildrop lock, apply
 * LOGIN-DELAY, and snapshot the INBOX. Any failure leaves the session in AUTHORIZATION.
 */
export async function completeLogin(ctx: CommandContext, username: string, password: string): Promise<void> {
  const result = await ctx.services.authenticator.authenticate({ username, password, ip: ctx.remoteAddress, protocol: 'pop3' });
  if (!result.ok) {
    ctx.setState({ name: 'authorization' });
    ctx.log.info({ user: username, reason: result.reason }, 'pop3 login refused');
    switch (result.reason) {
      case 'throttled':
        return ctx.err(`Too many failed logins; try again in ${result.retryAfterSeconds ?? 60} seconds`, 'SYS/TEMP');
      case 'disabled':
        return ctx.err('Account disabled', 'AUTH');
      case 'app-password-required':
        return ctx.err('Use an app password (two-factor sign-in is on)', 'AUTH');
      case 'invalid':
        return ctx.err('Authentication failed', 'AUTH');
    }
  }
  const account = result.account;
  const inboxId = await ctx.services.mailStore.inboxId(account.id);
  if (inboxId === null) {
    ctx.setState({ name: 'authorization' });
    return ctx.err('This account has no INBOX', 'SYS/PERM');
  }
  // RFC 1939 8 / RFC 3206 4: the maildrop is locked for the session; a second session is refused.
  const lease = await ctx.services.lock.acquire(inboxId);
  if (!lease) {
    ctx.setState({ name: 'authorization' });
    ctx.log.info({ user: account.address }, 'pop3 maildrop in use');
    return ctx.err('Maildrop is in use by another POP3 session', 'IN-USE');
  }
  let maildrop: Maildrop;
  try {
    if (!(await ctx.services.loginDelay.admit(account.id, ctx.services.loginDelaySeconds))) {
      await lease.release();
      ctx.setState({ name: 'authorization' });
      return ctx.err(`Logins are allowed once every ${ctx.services.loginDelaySeconds} seconds`, 'LOGIN-DELAY');
    }
    // The snapshot is taken with the lock held, so no other POP3 session changes it under us.
    const inbox = await ctx.services.mailStore.openInbox(account.id);
    if (!inbox || inbox.mailboxId !== inboxId) throw new Error('INBOX changed during login');
    maildrop = new Maildrop(inbox.mailboxId, inbox.uidValidity, inbox.messages);
  } catch (error) {
    await lease.release().catch(() => undefined);
    throw error;
  }
  const fetcher = new MessageFetcher(ctx.services.mailStore, maildrop);
  ctx.setState({ name: 'transaction', accountId: account.id, address: account.address, maildrop, fetcher, lease, retrieved: new Set() });
  ctx.log.info({ user: account.address, via: result.via, messages: maildrop.entries.length }, 'pop3 login');
  const { count, octets } = maildrop.stat();
  return ctx.ok(`Logged in, ${count} messages (${octets} octets)`);
}
