import { decodeSaslPlain, proxiesAnotherUser } from '@mailstead/auth';
import { defineCommand } from '../command';

/**
 * AUTHENTICATE "PLAIN" [initial-response] (RFC 5804 2.1, RFC 4616). Only over TLS or loopback
 * (NO (ENCRYPT-NEEDED) otherwise). Without an initial response the server sends an empty
 * challenge "" and reads the client's answer, a string; "*" cancels. The login itself is the
 * shared Authenticator's (app passwords, the two-factor rule, throttling).
 */
export const authenticateCommand = defineCommand({
  name: 'AUTHENTICATE',
  states: ['non-authenticated'],
  args: ['string', 'string'],
  required: 1,
  sensitive: true,
  async handle(ctx, _state, args) {
    const [mechanism, initial] = args as [string, string | undefined];
    if (mechanism.toUpperCase() !== 'PLAIN') return ctx.no(`Unsupported authentication mechanism ${mechanism.slice(0, 30)}`);
    if (!ctx.secured) return ctx.no('Plaintext authentication is only allowed over TLS; use STARTTLS first', 'ENCRYPT-NEEDED');
    let response = initial;
    if (response === undefined) {
      response = await ctx.challenge('');
      if (response === undefined) return ctx.no('Authentication failed: expected a string');
    }
    const decoded = decodeSaslPlain(response, initial === undefined ? 'continuation' : 'initial');
    if (!decoded.ok) {
      if (decoded.problem === 'cancelled') return ctx.no('Authentication cancelled');
      return ctx.no(`Authentication failed: ${decoded.problem}`);
    }
    if (proxiesAnotherUser(decoded)) return ctx.no('Authentication failed: authorization identity must be empty or the same user');
    // AuthProtocol has no ManageSieve entry; 'imap' gets the same mail-protocol rules (app passwords, two-factor).
    const result = await ctx.services.authenticator.authenticate({ username: decoded.authcid, password: decoded.password, ip: ctx.remoteAddress, protocol: 'imap' });
    if (!result.ok) {
      ctx.log.info({ user: decoded.authcid, reason: result.reason }, 'managesieve login refused');
      switch (result.reason) {
        case 'throttled':
          return ctx.no(`Too many failed logins; try again in ${result.retryAfterSeconds ?? 60} seconds`, 'TRYLATER');
        case 'disabled':
          return ctx.no('Account disabled');
        case 'app-password-required':
          return ctx.no('Use an app password (two-factor sign-in is on)');
        case 'invalid':
          return ctx.no('Authentication failed');
      }
    }
    ctx.setState({ name: 'authenticated', accountId: result.account.id, address: result.account.address });
    ctx.log.info({ user: result.account.address, via: result.via }, 'managesieve login');
    return ctx.ok('Logged in');
  },
});
