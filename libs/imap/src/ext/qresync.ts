/**
 * QRESYNC helpers (RFC 7162 section 3.2): the VANISHED response and the seq-match shortcut.
 * Data comes from libs/store `ImapSyncRepository` (changedSince, vanishedSince).
 */
import { compressSequenceSet, mergeRanges, type NumberRange } from './sequence-set';

/**
 * `* VANISHED (EARLIER) 41,43:116` (RFC 7162 section 3.2.10). `earlier` is true for answers to
 * SELECT/EXAMINE QRESYNC and UID FETCH VANISHED, false for live expunges after ENABLE QRESYNC
 * (which replace EXPUNGE, section 3.2.10.1). Returns null for an empty set: send nothing.
 */
export function formatVanished(uids: readonly NumberRange[] | readonly number[], earlier: boolean): string | null {
  const set =
    uids.length > 0 && typeof uids[0] === 'number'
      ? compressSequenceSet(uids as readonly number[])
      : mergeRanges(uids as readonly NumberRange[])
          .map((r) => (r.from === r.to ? String(r.from) : `${r.from}:${r.to}`))
          .join(',');
  if (set === '') return null;
  return `* VANISHED${earlier ? ' (EARLIER)' : ''} ${set}`;
}

/**
 * RFC 7162 section 3.2.5.2, the optional "seq-match-data" of SELECT ... (QRESYNC (v m known
 * (seqs uids))): pairs of message sequence numbers and the UIDs they had in the client's
 * last view. Walking the pairs upward, while the server's current UID at that sequence number
 * is still the same, no message below that UID can have been expunged since (UIDs only grow,
 * so a matching position means an unchanged count below it). Returns the highest such UID:
 * VANISHED (EARLIER) then only needs UIDs above it. 0 means no pair matched.
 *
 * `currentUids` is the selected mailbox's UID list in sequence order (index 0 = seq 1).
 * Mismatched lengths or unsorted pairs (a client bug) give 0: report everything.
 */
export function seqMatchFloor(knownSeqs: readonly number[], knownUids: readonly number[], currentUids: readonly number[]): number {
  if (knownSeqs.length !== knownUids.length) return 0;
  let floor = 0;
  let lastSeq = 0;
  let lastUid = 0;
  for (let i = 0; i < knownSeqs.length; i++) {
    const seq = knownSeqs[i]!;
    const uid = knownUids[i]!;
    if (seq <= lastSeq || uid <= lastUid) return 0;
    lastSeq = seq;
    lastUid = uid;
    if (currentUids[seq - 1] !== uid) break;
    floor = uid;
  }
  return floor;
}

/** Drops everything at or below `floor` from `ranges` (used with seqMatchFloor). */
export function rangesAbove(ranges: readonly NumberRange[], floor: number): NumberRange[] {
  return mergeRanges(ranges)
    .filter((r) => r.to > floor)
    .map((r) => ({ from: Math.max(r.from, floor + 1), to: r.to }));
}
