import { NOT_AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { bad, no, ok } from '../server/session-state';

/** STARTTLS (RFC 3501 6.2.1): the handshake starts right after the tagged OK. */
export const starttlsCommand = {
  name: 'STARTTLS',
  states: NOT_AUTHENTICATED,
  async handler(session, args) {
    args.end();
    if (session.tlsActive) return bad('TLS is already active');
    if (!session.server.secureContext) return no('TLS is not available');
    session.startTlsRequested = true;
    return ok('Begin TLS negotiation now');
  },
} satisfies CommandSpec;
