import { NOT_AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { bad, no } from '../server/session-state';
import { logIn } from './login';

/** AUTHENTICATE PLAIN (RFC 4616), with the initial response on the command line (SASL-IR, RFC 4959). */
export const authenticateCommand = {
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  async handler(session, args) {
    const mechanism = args.atom('mechanism').toUpperCase();
    const initial = args.remaining > 0 ? args.string('initial response') : undefined;
    args.end();
    if (mechanism !== 'PLAIN') return no('Unsupported mechanism', 'CANNOT');
    if (!session.canAuthenticate) return no('Use STARTTLS first', 'PRIVACYREQUIRED');
    let response = initial;
    if (response === undefined) {
      await session.write('+ \r\n');
      const line = await session.readLine();
      if (line === null) return bad('Connection closed');
      response = line.trim();
    }
    if (response === '*') return bad('Authentication cancelled');
    if (response === '=') response = '';
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(response)) return bad('Invalid base64');
    const parts = Buffer.from(response, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3 || !parts[1] || !parts[2]) return bad('Invalid PLAIN response');
    const [authzid, authcid, password] = parts as [string, string, string];
    if (authzid && authzid.toLowerCase() !== authcid.toLowerCase()) return no('Proxy authorization is not supported', 'AUTHORIZATIONFAILED');
    return logIn(session, authcid, password);
  },
} satisfies CommandSpec;
