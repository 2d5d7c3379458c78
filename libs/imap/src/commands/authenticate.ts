import { decodeSaslPlain, proxiesAnotherUser } from '@mailstead/auth';
import { NOT_AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { bad, no } from '../server/session-state';
import { logIn } from './login';

/**
 * AUTHENTICATE PLAIN (RFC 4616), with the initial response on the command line (SASL-IR,
 * RFC 4959) or after a "+ " continuation. libs/auth decodes it; as Dovecot answers: a response
 * that is not base64 or a cancel is BAD (RFC 9051 6.2.2), a malformed PLAIN message is a failed
 * authentication (NO [AUTHENTICATIONFAILED]).
 */
export const authenticateCommand = {
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  async handler(session, args) {
    const mechanism = args.atom('mechanism').toUpperCase();
    const initial = args.remaining > 0 ? args.string('initial response') : undefined;
    args.end();
    if (mechanism !== 'PLAIN') return no('Unsupported mechanism', 'CANNOT');
    if (!session.canAuthenticate) return no('Use STARTTLS first', 'PRIVACYREQUIRED');
    let decoded;
    if (initial !== undefined) decoded = decodeSaslPlain(initial, 'initial');
    else {
      await session.write('+ \r\n');
      const line = await session.readLine();
      if (line === null) return bad('Connection closed');
      decoded = decodeSaslPlain(line, 'continuation');
    }
    if (!decoded.ok) {
      if (decoded.problem === 'cancelled') return bad('Authentication cancelled');
      if (decoded.problem === 'malformed PLAIN response') return no('Invalid PLAIN response', 'AUTHENTICATIONFAILED');
      return bad(decoded.problem === 'too long' ? 'Response too long' : 'Invalid base64');
    }
    if (proxiesAnotherUser(decoded)) return no('Proxy authorization is not supported', 'AUTHORIZATIONFAILED');
    return logIn(session, decoded.authcid, decoded.password);
  },
} satisfies CommandSpec;
