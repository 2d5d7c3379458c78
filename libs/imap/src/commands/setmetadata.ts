import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { entryName, metadataTarget } from '../server/metadata-args';
import { no, ok } from '../server/session-state';
import { nodeText } from '../protocol/arguments';
import { SyntaxError } from '../protocol/command-reader';
import { MetadataLimitError } from '../mail-store';

const DEFAULT_MAX_SIZE = 65_536;
const DEFAULT_MAX_ENTRIES = 100;

/**
 * SETMETADATA (RFC 5464 4.3): `SETMETADATA mailbox (entry value|NIL ...)`, all or nothing.
 * Too large: `NO [METADATA MAXSIZE n]`; too many: `NO [METADATA TOOMANY]`; /shared server
 * entries are read-only here: plain NO.
 */
export const setmetadataCommand = {
  name: 'SETMETADATA',
  states: AUTHENTICATED,
  async handler(session, args) {
    const resolved = await metadataTarget(session, args);
    const list = args.list('entries and values');
    args.end();
    if (list.length === 0 || list.length % 2 !== 0) throw new SyntaxError('Expected entry and value pairs');
    const changes: { entry: string; value: Buffer | null }[] = [];
    for (let i = 0; i < list.length; i += 2) {
      const entry = entryName(nodeText(list[i]!), 'set');
      const v = list[i + 1]!;
      if (v.kind === 'atom' && v.value.toUpperCase() === 'NIL') changes.push({ entry, value: null });
      else if (v.kind === 'string') changes.push({ entry, value: v.value });
      else if (v.kind === 'atom') changes.push({ entry, value: Buffer.from(v.value, 'utf8') });
      else throw new SyntaxError('Expected a value');
    }
    if (!resolved) return no('Mailbox does not exist', 'NONEXISTENT');
    // RFC 5464 3.2.1.1: the server's /shared/admin is computed from configuration, not stored.
    if (resolved.target.mailboxId === null && changes.some((c) => c.entry === '/shared/admin')) return no('/shared/admin is set by the server configuration');
    const options = session.server.options;
    try {
      await session.store.setMetadata(resolved.target, changes, {
        maxValueBytes: options.metadataMaxSize ?? DEFAULT_MAX_SIZE,
        maxEntries: options.metadataMaxEntries ?? DEFAULT_MAX_ENTRIES,
      }, { canWriteSharedServer: session.state.kind !== 'not-authenticated' && session.state.kind !== 'logout' && session.state.user.admin });
    } catch (error) {
      if (!(error instanceof MetadataLimitError)) throw error;
      if (error.kind === 'MAXSIZE') return no('Value too large', `METADATA MAXSIZE ${error.max ?? options.metadataMaxSize ?? DEFAULT_MAX_SIZE}`);
      if (error.kind === 'TOOMANY') return no('Too many annotations', 'METADATA TOOMANY');
      return no('Shared server annotations are read-only');
    }
    return ok('SETMETADATA completed');
  },
} satisfies CommandSpec;
