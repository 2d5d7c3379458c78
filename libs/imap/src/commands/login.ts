import { NOT_AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import { no, ok, type CommandResult } from '../server/session-state';

/** Shared by LOGIN and AUTHENTICATE: throttled credential check, then the authenticated state. */
export async function logIn(session: ImapSession, username: string, password: string): Promise<CommandResult> {
  const result = await session.server.options.authenticator.authenticate({ username, password, ip: session.remoteAddress });
  if (!result.ok) {
    session.log?.info({ session: session.id, reason: result.reason }, 'imap login failed');
    if (result.reason === 'throttled') return no('Too many failed logins, try again later', 'UNAVAILABLE');
    if (result.reason === 'disabled') return no('Account disabled', 'AUTHORIZATIONFAILED');
    if (result.reason === 'app-password-required') return no('Use an app password (two-factor sign-in is on)', 'AUTHENTICATIONFAILED');
    return no('Invalid credentials', 'AUTHENTICATIONFAILED');
  }
  session.state = { kind: 'authenticated', user: { accountId: result.accountId, address: result.address, admin: result.admin === true } };
  session.log?.info({ session: session.id, account: result.address }, 'imap login');
  return ok('Logged in', `CAPABILITY ${session.capabilities().join(' ')}`);
}

export const loginCommand = {
  name: 'LOGIN',
  states: NOT_AUTHENTICATED,
  async handler(session, args) {
    const username = args.string('user name');
    const password = args.string('password');
    args.end();
    if (!session.canAuthenticate) return no('Use STARTTLS first', 'PRIVACYREQUIRED');
    return logIn(session, username, password);
  },
} satisfies CommandSpec;
