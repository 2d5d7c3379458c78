import { SELECTED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import { parseFlagNodes } from '../server/flags';
import { messagesFor, selectedOf } from '../server/session-helpers';
import { no, ok, type CommandResult } from '../server/session-state';
import type { ArgReader } from '../protocol/arguments';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';

const BATCH = 1000;

/**
 * STORE (RFC 3501 6.4.6): FLAGS / +FLAGS / -FLAGS, optionally .SILENT. Without .SILENT every
 * message of the set is answered with its flags after the change.
 */
export async function storeFlags(session: ImapSession, args: ArgReader, byUid: boolean): Promise<CommandResult> {
  const set = args.sequenceSet();
  const item = args.atom('store item').toUpperCase();
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
  if (!m) throw new SyntaxError(`Unknown store item ${item.slice(0, 30)}`);
  const nodes: ArgNode[] = [];
  if (args.peek()?.kind === 'list') nodes.push(...args.list('flags'));
  else while (args.remaining > 0) nodes.push(args.next('flag'));
  args.end();
  const flags = parseFlagNodes(nodes).filter((f) => f !== '\\Recent');
  const box = selectedOf(session);
  const uids = messagesFor(box, set, byUid);
  if (box.readOnly) return no('Mailbox is read-only', 'READ-ONLY');
  const mode = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'set';
  const silent = Boolean(m[2]);
  for (let i = 0; i < uids.length; i += BATCH) {
    const batch = uids.slice(i, i + BATCH);
    const { changed } = await session.store.updateFlags(box.id, batch, mode, flags);
    for (const c of changed) box.ownModseqs.add(c.modseq);
    if (silent) continue;
    const current = await session.store.fetchMeta(box.id, batch, new Set(['flags']));
    for (const meta of current) {
      const seq = box.seqOf(meta.uid);
      if (seq === 0) continue;
      const all = box.recent.has(meta.uid) ? [...meta.flags, '\\Recent'] : meta.flags;
      await session.untagged(`${seq} FETCH (FLAGS (${all.join(' ')})${byUid ? ` UID ${meta.uid}` : ''})`);
    }
  }
  return ok('STORE completed');
}

export const storeCommand = {
  name: 'STORE',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args) => storeFlags(session, args, false),
} satisfies CommandSpec;

export const uidStoreCommand = {
  name: 'UID STORE',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args) => storeFlags(session, args, true),
} satisfies CommandSpec;
