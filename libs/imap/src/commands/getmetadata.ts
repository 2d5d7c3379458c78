import { utf8Names } from '../server/imap4rev2';
import { parseDepth, MetadataSyntaxError, type MetadataDepth } from '../ext';
import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { entryName, metadataTarget } from '../server/metadata-args';
import { no, ok } from '../server/session-state';
import { nodeText } from '../protocol/arguments';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import { ResponseBuilder } from '../protocol/response-writer';

function parseOptions(nodes: ArgNode[]): { depth: MetadataDepth; maxSize?: number } {
  const out: { depth: MetadataDepth; maxSize?: number } = { depth: '0' };
  for (let i = 0; i < nodes.length; i += 2) {
    const name = nodeText(nodes[i]!).toUpperCase();
    const value = nodes[i + 1] ? nodeText(nodes[i + 1]!) : '';
    if (name === 'MAXSIZE' && /^\d{1,10}$/.test(value)) out.maxSize = Number(value);
    else if (name === 'DEPTH') {
      try {
        out.depth = parseDepth(value);
      } catch (error) {
        if (error instanceof MetadataSyntaxError) throw new SyntaxError(error.message);
        throw error;
      }
    } else throw new SyntaxError(`Invalid GETMETADATA option ${name.slice(0, 20)}`);
  }
  return out;
}

/**
 * GETMETADATA (RFC 5464 4.2): `GETMETADATA [(MAXSIZE n DEPTH d)] mailbox entry|(entries)`.
 * One METADATA response with the entries found (none found: no response); values larger
 * than MAXSIZE are left out and counted in `OK [METADATA LONGENTRIES n]` (4.2.1).
 */
export const getmetadataCommand = {
  name: 'GETMETADATA',
  states: AUTHENTICATED,
  async handler(session, args) {
    const options = parseOptions(args.optionalList() ?? []);
    const resolved = await metadataTarget(session, args);
    const node = args.next('entry names');
    const names = node.kind === 'list' ? node.items.map(nodeText) : [nodeText(node)];
    args.end();
    if (names.length === 0) throw new SyntaxError('Missing entry names');
    const specifiers = names.map((n) => entryName(n, 'get'));
    if (!resolved) return no('Mailbox does not exist', 'NONEXISTENT');
    const found = await session.store.getMetadata(resolved.target, specifiers, options);
    const entries = [...found.entries];
    let longest = found.longest;
    // RFC 5464 3.2.1.1: /shared/admin of the server is computed (a mailto: URI), never stored.
    const admin = session.server.options.adminAddress;
    if (resolved.target.mailboxId === null && admin && specifiers.some((s) => s === '/shared/admin' || ((s === '/shared') && options.depth !== '0'))) {
      const value = Buffer.from(`mailto:${admin}`);
      if (options.maxSize !== undefined && value.length > options.maxSize) longest = Math.max(longest ?? 0, value.length);
      else if (!entries.some((e) => e.entry === '/shared/admin')) entries.push({ entry: '/shared/admin', value });
      entries.sort((a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0));
    }
    if (entries.length > 0) {
      const out = new ResponseBuilder().raw('* METADATA ');
      if (resolved.name === '') out.raw('""');
      else out.mailbox(resolved.name, utf8Names(session));
      out.raw(' (');
      entries.forEach((e, i) => {
        if (i > 0) out.raw(' ');
        // entry is an astring: an atom when it can be (as RFC 5464's examples write it).
        if (/^[A-Za-z0-9/._+:!~$&'=@-]+$/.test(e.entry)) out.raw(e.entry);
        else out.string(e.entry);
        out.raw(' ').string(e.value);
      });
      await session.write(out.raw(')').end());
    }
    return longest === null ? ok('GETMETADATA completed') : ok('GETMETADATA completed', `METADATA LONGENTRIES ${longest}`);
  },
} satisfies CommandSpec;
