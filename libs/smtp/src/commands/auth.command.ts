import type { SMTPServerAuthentication, SMTPServerAuthenticationResponse, SMTPServerSession } from 'smtp-server';
import type { SmtpContext, SessionUser } from '../smtp-context';
import { proxiesAnotherUser } from '@mailstead/auth';
import { smtpReply } from '@mailstead/pipeline';

/**
 * AUTH PLAIN / LOGIN (RFC 4954) through the shared Authenticator: account password or app
 * password, failures throttled per IP and per account in Redis (libs/auth).
 * Whether AUTH is allowed at all (TLS, listener) is decided before this, in the connection patch.
 */
export async function handleAuth(ctx: SmtpContext, auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<SMTPServerAuthenticationResponse> {
  const username = auth.username ?? '';
  // RFC 4616 2 / RFC 4954 4: an authorization identity other than the authenticated one asks to act
  // as another user, which we never allow (IMAP and POP3 refuse it too). smtp-server passes an empty
  // authcid with the name in the authzid as username, which is the same user.
  if (auth.method === 'PLAIN' && proxiesAnotherUser({ authzid: auth.authzid ?? '', authcid: username })) {
    ctx.logger.warn({ session: session.id, user: username, authzid: auth.authzid, ip: session.remoteAddress }, 'smtp auth refused: proxy authorization');
    throw smtpReply(535, '5.7.8', 'Proxy authorization is not supported');
  }
  const result = await ctx.authenticator.authenticate({ username, password: auth.password ?? '', ip: session.remoteAddress, protocol: 'smtp' });
  if (result.ok) {
    const user: SessionUser = { accountId: result.account.id, address: result.account.address };
    ctx.logger.info({ session: session.id, user: user.address, via: result.via }, 'smtp auth ok');
    return { user };
  }
  ctx.logger.warn({ session: session.id, user: username, ip: session.remoteAddress, reason: result.reason }, 'smtp auth failed');
  if (result.reason === 'throttled') throw smtpReply(454, '4.7.0', 'Too many failed authentication attempts, try again later');
  if (result.reason === 'app-password-required') throw smtpReply(535, '5.7.8', 'Use an app password (two-factor sign-in is on)');
  throw smtpReply(535, '5.7.8', 'Authentication credentials invalid');
}
