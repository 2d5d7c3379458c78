import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { bad, no, ok } from '../server/session-state';

/**
 * COMPRESS DEFLATE (RFC 4978 3): answered uncompressed; the session switches both directions
 * to DEFLATE right after the tagged OK is written. Only once per connection.
 */
export const compressCommand = {
  name: 'COMPRESS',
  states: AUTHENTICATED,
  async handler(session, args) {
    const mechanism = args.atom('compression mechanism').toUpperCase();
    args.end();
    if (mechanism !== 'DEFLATE') return bad(`Unknown compression mechanism ${mechanism.slice(0, 20)}`);
    if (session.compressionActive || session.compressRequested) return no('DEFLATE is already active', 'COMPRESSIONACTIVE');
    session.compressRequested = true;
    return ok('DEFLATE active');
  },
} satisfies CommandSpec;
