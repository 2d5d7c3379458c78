import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import type { SearchKey } from '../mail-store';
import type { ImapSession } from './imap-session';
import type { SelectedMailbox } from './selected-mailbox';

/**
 * CONDSTORE / QRESYNC session state (RFC 7162). CONDSTORE is on once the client used a
 * "CONDSTORE enabling command" (section 3.1: SELECT/EXAMINE (CONDSTORE), STATUS HIGHESTMODSEQ,
 * FETCH MODSEQ or CHANGEDSINCE, SEARCH MODSEQ, STORE UNCHANGEDSINCE, ENABLE CONDSTORE) or
 * ENABLE QRESYNC (section 3.2.3: QRESYNC implies CONDSTORE). From then on every untagged FETCH
 * the server sends on its own carries MODSEQ.
 */
export function condstoreEnabled(session: ImapSession): boolean {
  return session.enabled.has('CONDSTORE') || session.enabled.has('QRESYNC');
}

/** After ENABLE QRESYNC expunges are announced as VANISHED, never EXPUNGE (RFC 7162 3.2.10). */
export function qresyncEnabled(session: ImapSession): boolean {
  return session.enabled.has('QRESYNC');
}

/**
 * Turns CONDSTORE on through first use. RFC 7162 3.1.2.1: when that happens with a mailbox
 * selected, the client learns the mailbox's HIGHESTMODSEQ at once (an untagged OK).
 */
export async function enableCondstore(session: ImapSession): Promise<void> {
  if (condstoreEnabled(session)) return;
  session.enabled.add('CONDSTORE');
  if (session.state.kind === 'selected') {
    await session.untagged(`OK [HIGHESTMODSEQ ${session.state.mailbox.knownModseq}] Highest`);
  }
}

/** `mod-sequence-value` / `mod-sequence-valzer` (RFC 7162 7): 0 .. 2^63-1. */
export function parseModseq(node: ArgNode | undefined, allowZero: boolean): bigint {
  const text = node?.kind === 'atom' ? node.value : '';
  if (!/^\d{1,19}$/.test(text)) throw new SyntaxError('Invalid mod-sequence value');
  const value = BigInt(text);
  if (value > 9_223_372_036_854_775_807n || (!allowZero && value === 0n)) throw new SyntaxError('Invalid mod-sequence value');
  return value;
}

/** `MODSEQ (n)` for a FETCH response. */
export function modseqItem(modseq: bigint): string {
  return `MODSEQ (${modseq})`;
}

/** Whether a search used the MODSEQ criterion (then its answer carries a MODSEQ, RFC 7162 3.1.5). */
export function usesModseq(key: SearchKey): boolean {
  if (key.type === 'modseq') return true;
  if (key.type === 'not') return usesModseq(key.key);
  if (key.type === 'or') return usesModseq(key.left) || usesModseq(key.right);
  if (key.type === 'and') return key.keys.some(usesModseq);
  return false;
}

/**
 * SEARCH MODSEQ is CONDSTORE-enabling; its answer names the highest MODSEQ of the messages
 * found in this session's view (undefined when none: then no MODSEQ is sent).
 */
export async function highestModseqOf(session: ImapSession, box: SelectedMailbox, uids: readonly number[]): Promise<bigint | undefined> {
  await enableCondstore(session);
  const visible = uids.filter((uid) => box.seqOf(uid) > 0);
  if (visible.length === 0) return undefined;
  let highest: bigint | undefined;
  for (const m of (await session.store.modseqs(box.id, visible)).values()) if (highest === undefined || m > highest) highest = m;
  return highest;
}
