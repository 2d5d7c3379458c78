import { SELECTED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import { condstoreEnabled, enableCondstore, modseqItem, parseModseq } from '../server/condstore';
import { announceNewKeywords, parseFlagNodes } from '../server/flags';
import { compressSequenceSet } from '../ext';
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
  const unchangedSince = parseStoreModifiers(args.optionalList());
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
  if (unchangedSince !== undefined) await enableCondstore(session);
  const condstore = condstoreEnabled(session);
  const modified: number[] = [];
  for (let i = 0; i < uids.length; i += BATCH) {
    const batch = uids.slice(i, i + BATCH);
    const result = await session.store.updateFlags(box.id, batch, mode, flags, unchangedSince);
    for (const c of result.changed) box.noteOwnChange(c.modseq);
    const failed = new Set(result.modified ?? []);
    modified.push(...failed);
    // RFC 7162 3.1.3: with CONDSTORE on, a message the STORE changed is reported with its new
    // MODSEQ even under .SILENT; messages that failed UNCHANGEDSINCE are not reported here.
    const changedUids = new Set(result.changed.map((c) => c.uid));
    const report = silent ? (condstore ? batch.filter((u) => changedUids.has(u)) : []) : batch.filter((u) => !failed.has(u));
    const current = report.length === 0 ? [] : await session.store.fetchMeta(box.id, report, new Set(['flags']));
    // A keyword new to the mailbox: FLAGS/PERMANENTFLAGS first (RFC 3501 7.2.6), .SILENT or not;
    // `current` may also hold one another session just set.
    await announceNewKeywords(session, [...result.changed.map((c) => c.flags), ...current.map((m) => m.flags)]);
    for (const meta of current) {
      const seq = box.seqOf(meta.uid);
      if (seq === 0) continue;
      const all = box.recent.has(meta.uid) ? [...meta.flags, '\\Recent'] : meta.flags;
      const parts = [silent ? '' : `FLAGS (${all.join(' ')})`, byUid || condstore ? `UID ${meta.uid}` : '', condstore ? modseqItem(meta.modseq) : ''];
      await session.untagged(`${seq} FETCH (${parts.filter(Boolean).join(' ')})`);
    }
  }
  if (modified.length > 0) {
    // RFC 7162 3.1.3: MODIFIED names the messages left alone, as UIDs for UID STORE.
    const numbers = byUid ? modified : modified.map((u) => box.seqOf(u)).filter((n) => n > 0);
    return ok('Conditional STORE failed for some messages', `MODIFIED ${compressSequenceSet(numbers)}`);
  }
  return ok(unchangedSince === undefined ? 'STORE completed' : 'Conditional STORE completed');
}

/** STORE modifiers (RFC 4466): UNCHANGEDSINCE (RFC 7162 3.1.3) is the only one. */
function parseStoreModifiers(nodes: ArgNode[] | undefined): bigint | undefined {
  if (!nodes) return undefined;
  const name = nodes[0]?.kind === 'atom' ? nodes[0].value.toUpperCase() : '';
  if (nodes.length !== 2 || name !== 'UNCHANGEDSINCE') throw new SyntaxError('Invalid STORE modifier');
  return parseModseq(nodes[1], true);
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
