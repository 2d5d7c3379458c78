import { expandSequenceSet, rangesAbove, seqMatchFloor, formatVanished } from '../ext';
import { parseSequenceSet, type SequenceSet } from '../protocol/arguments';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import { modseqItem, parseModseq } from './condstore';
import { announceNewKeywords } from './flags';
import type { ImapSession } from './imap-session';
import type { SelectedMailbox } from './selected-mailbox';

/** RFC 7162 3.2.5: `QRESYNC (uidvalidity modseq [known-uids] [(known-seqs known-uids)])`. */
export interface QresyncParams {
  uidValidity: number;
  modseq: bigint;
  knownUids?: SequenceSet;
  seqMatch?: { seqs: number[]; uids: number[] };
}

export interface SelectParams {
  condstore: boolean;
  qresync?: QresyncParams;
}

const MAX_UID = 0xffffffff;

function atomText(node: ArgNode | undefined, what: string): string {
  if (node?.kind !== 'atom') throw new SyntaxError(`Expected ${what}`);
  return node.value;
}

/** The seq-match-data lists: a client bug may send huge ranges, which is a BAD, never a big allocation. */
function expanded(text: string): number[] {
  try {
    return expandSequenceSet(parseSequenceSet(text), 100_000);
  } catch (error) {
    if (error instanceof SyntaxError) throw error;
    throw new SyntaxError('Sequence match data too large or contains *');
  }
}

function parseQresync(items: ArgNode[]): QresyncParams {
  if (items.length < 2 || items.length > 4) throw new SyntaxError('Invalid QRESYNC parameters');
  const uidValidity = Number(atomText(items[0], 'UIDVALIDITY'));
  if (!Number.isSafeInteger(uidValidity) || uidValidity < 1 || uidValidity > MAX_UID) throw new SyntaxError('Invalid UIDVALIDITY');
  const modseq = parseModseq(items[1], false);
  const out: QresyncParams = { uidValidity, modseq };
  let i = 2;
  if (items[i]?.kind === 'atom') out.knownUids = parseSequenceSet(atomText(items[i++], 'known UIDs'));
  const match = items[i];
  if (match) {
    if (match.kind !== 'list' || match.items.length !== 2) throw new SyntaxError('Invalid sequence match data');
    const seqs = expanded(atomText(match.items[0], 'known sequence set'));
    const uids = expanded(atomText(match.items[1], 'known UID set'));
    if (seqs.length !== uids.length) throw new SyntaxError('Sequence match data of different lengths');
    out.seqMatch = { seqs, uids };
    i++;
  }
  if (i !== items.length) throw new SyntaxError('Invalid QRESYNC parameters');
  return out;
}

/** SELECT/EXAMINE parameters (RFC 4466 select-params): CONDSTORE (RFC 7162 3.1.8) and QRESYNC (3.2.5). */
export function parseSelectParams(nodes: ArgNode[] | undefined): SelectParams {
  const params: SelectParams = { condstore: false };
  if (!nodes) return params;
  if (nodes.length === 0) throw new SyntaxError('Empty SELECT parameter list');
  for (let i = 0; i < nodes.length; i++) {
    const name = atomText(nodes[i], 'SELECT parameter').toUpperCase();
    if (name === 'CONDSTORE') params.condstore = true;
    else if (name === 'QRESYNC') {
      const list = nodes[++i];
      if (list?.kind !== 'list') throw new SyntaxError('QRESYNC needs a parameter list');
      if (params.qresync) throw new SyntaxError('QRESYNC given twice');
      params.qresync = parseQresync(list.items);
    } else throw new SyntaxError(`Unknown SELECT parameter ${name.slice(0, 20)}`);
  }
  return params;
}

/**
 * The resynchronisation part of SELECT ... (QRESYNC ...), RFC 7162 3.2.5: when the client's
 * UIDVALIDITY still holds, one `VANISHED (EARLIER)` with the UIDs expunged since its MODSEQ
 * (only above the seq-match floor, 3.2.5.2), then `FETCH (UID FLAGS MODSEQ)` for every message
 * changed or added since. On a UIDVALIDITY mismatch nothing is sent: the client starts over.
 */
export async function reportQresync(session: ImapSession, box: SelectedMailbox, q: QresyncParams): Promise<void> {
  if (q.uidValidity !== box.summary.uidValidity) return;
  const known = q.knownUids?.map((r) => ({ from: r.from === Infinity ? MAX_UID : r.from, to: r.to === Infinity ? MAX_UID : r.to }));
  const floor = q.seqMatch ? seqMatchFloor(q.seqMatch.seqs, q.seqMatch.uids, box.uids) : 0;
  // A pruned history gives a superset of what vanished (fromHistory false), which 3.2.5.2 allows.
  const { vanished } = await session.store.vanishedSince(box.id, q.modseq, known);
  const line = formatVanished(rangesAbove(vanished, floor), true);
  if (line) await session.write(`${line}\r\n`);
  const changed = await session.store.changedSince(box.id, q.modseq, known);
  // Read after SELECT's FLAGS: a keyword set in between is announced before its FETCH.
  await announceNewKeywords(session, changed.map((c) => c.flags));
  let pending: string[] = [];
  for (const c of changed) {
    const seq = box.seqOf(c.uid);
    if (seq === 0) continue;
    const flags = box.recent.has(c.uid) ? [...c.flags, '\\Recent'] : c.flags;
    pending.push(`* ${seq} FETCH (UID ${c.uid} FLAGS (${flags.join(' ')}) ${modseqItem(c.modseq)})\r\n`);
    if (pending.length >= 1000) {
      await session.write(pending.join(''));
      pending = [];
    }
  }
  if (pending.length > 0) await session.write(pending.join(''));
}
