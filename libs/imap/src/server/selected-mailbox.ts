import type { MailStore, MailboxSummary } from '../mail-store';
import { SAVED_RESULT, type SequenceSet } from '../protocol/arguments';
import { SearchResultVariable } from '../ext/search-result-variable';
import { AnnouncedKeywords, MAX_LISTED_KEYWORDS } from './flags';

/**
 * The UIDs that are \Recent for this session (RFC 3501 2.3.2): the UID ranges it claimed from
 * the store's per-mailbox watermark (`MailStore.claimRecent`), so exactly one session sees a
 * message as \Recent. Kept as ranges (a first SELECT may claim 100,000 UIDs at once); only
 * UIDs still in the session's view count.
 */
export class RecentUids implements Iterable<number> {
  /** ascending, disjoint, inclusive */
  private readonly ranges: [number, number][] = [];

  constructor(private readonly view: readonly number[]) {}

  /** Marks [from, to] as \Recent; ranges arrive in ascending order (the watermark only rises). */
  addRange(from: number, to: number): void {
    if (to < from) return;
    const last = this.ranges[this.ranges.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else this.ranges.push([from, to]);
  }

  add(uid: number): void {
    this.addRange(uid, uid);
  }

  has(uid: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.ranges[mid]!;
      if (uid < a) hi = mid - 1;
      else if (uid > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** The number of recent messages in the view (the `* n RECENT` figure). */
  get size(): number {
    let n = 0;
    for (const [a, b] of this.ranges) n += lowerBound(this.view, b + 1) - lowerBound(this.view, a);
    return n;
  }

  /** Recent UIDs as UID ranges (for SEARCH RECENT/NEW/OLD). */
  uidRanges(): { from: number; to: number }[] {
    return this.ranges.map(([from, to]) => ({ from, to }));
  }

  *[Symbol.iterator](): Iterator<number> {
    for (const [a, b] of this.ranges) {
      for (let i = lowerBound(this.view, a); i < this.view.length && this.view[i]! <= b; i++) yield this.view[i]!;
    }
  }
}

/** Index of the first element >= value in an ascending array. */
function lowerBound(values: readonly number[], value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The selected mailbox as this session knows it: the UID of every message by sequence
 * number, kept in step incrementally (RFC 3501 2.3.1.2) from the store's change log rather
 * than reloaded per command.
 */
export class SelectedMailbox {
  /** ascending UIDs; sequence number n is uids[n - 1] */
  readonly uids: number[];
  knownModseq: bigint;
  /** UIDs that are \Recent for this session (claimed by its SELECT or when they arrived) */
  readonly recent: RecentUids;
  /** expunged in the store but not yet announced (RFC 3501 7.4.1: not during FETCH/STORE/SEARCH) */
  readonly pendingExpunges = new Set<number>();
  /** MODSEQs of this session's own flag changes, already reported to it */
  readonly ownModseqs = new Set<bigint>();
  /**
   * Records a change this session made itself (STORE, FETCH setting \Seen). When it is the
   * very next MODSEQ after the last one this session knows, nothing can have been missed in
   * between (every change takes the next MODSEQ), so the view is current at it and the change
   * notification for it needs no round trip to the store.
   */
  noteOwnChange(modseq: bigint): void {
    this.ownModseqs.add(modseq);
    if (modseq === this.knownModseq + 1n) this.knownModseq = modseq;
  }

  /** the keywords this session's FLAGS responses listed so far (RFC 3501 7.2.6) */
  readonly keywords = new AnnouncedKeywords();

  /** the first message without \Seen when the mailbox was selected (SELECT's [UNSEEN n]) */
  firstUnseenUid: number | null = null;
  /** something may have changed since the last sync */
  dirty = false;
  unwatch: () => void = () => undefined;

  constructor(
    readonly summary: MailboxSummary,
    readonly readOnly: boolean,
    uids: number[],
    modseq: bigint,
  ) {
    this.uids = uids;
    this.recent = new RecentUids(uids);
    this.knownModseq = modseq;
  }

  get id(): number {
    return this.summary.id;
  }

  get exists(): number {
    return this.uids.length;
  }

  get lastUid(): number {
    return this.uids.length > 0 ? this.uids[this.uids.length - 1]! : 0;
  }

  /** Sequence number of a UID, or 0 when it is not in this session's view. */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid]!;
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Removes one UID and returns the sequence number it had (0 if unknown). */
  remove(uid: number): number {
    const seq = this.seqOf(uid);
    // The UID also leaves \Recent: RecentUids counts only UIDs still in `uids` (the view).
    if (seq > 0) this.uids.splice(seq - 1, 1);
    return seq;
  }

  /** SEARCHRES `$` (RFC 5182): a new SelectedMailbox per SELECT/EXAMINE starts it empty. */
  readonly saved = new SearchResultVariable();

  /** The saved result's UIDs still in this session's view (expunged ones drop out, RFC 5182 2.1). */
  savedUids(): number[] {
    return this.saved.toUids().filter((uid) => this.seqOf(uid) > 0);
  }

  /** UIDs named by a sequence set of sequence numbers, ascending; `*` is the last message. */
  uidsForSequenceSet(set: SequenceSet): number[] {
    // One range (1:*, 5:20): a slice of the view, no set building.
    if (set !== SAVED_RESULT && set.length === 1) {
      const max = this.uids.length;
      const a = set[0]!.from === Infinity ? max : set[0]!.from;
      const b = set[0]!.to === Infinity ? max : set[0]!.to;
      return this.uids.slice(Math.max(1, Math.min(a, b)) - 1, Math.min(max, Math.max(a, b)));
    }
    if (set === SAVED_RESULT) return this.savedUids();
    const out = new Set<number>();
    const max = this.uids.length;
    for (const r of set) {
      const a = r.from === Infinity ? max : r.from;
      const b = r.to === Infinity ? max : r.to;
      for (let s = Math.max(1, Math.min(a, b)); s <= Math.min(max, Math.max(a, b)); s++) out.add(this.uids[s - 1]!);
    }
    return [...out].sort((x, y) => x - y);
  }

  /**
   * UIDs named by a UID set that this session knows. `*` is the largest UID in use; a range
   * like 5:* still matches the last message when it is below 5 (RFC 3501 6.4.8).
   */
  uidsForUidSet(set: SequenceSet): number[] {
    if (set === SAVED_RESULT) return this.savedUids();
    const last = this.lastUid;
    const out: number[] = [];
    const ranges = set.map((r) => {
      const a = r.from === Infinity ? last : r.from;
      const b = r.to === Infinity ? last : r.to;
      return [Math.min(a, b), Math.max(a, b)] as const;
    });
    // One range (UID FETCH 1:* of a whole mailbox): a slice of the view.
    if (ranges.length === 1) return this.uids.slice(lowerBound(this.uids, ranges[0]![0]), lowerBound(this.uids, ranges[0]![1] + 1));
    for (const uid of this.uids) if (ranges.some(([a, b]) => uid >= a && uid <= b)) out.push(uid);
    return out;
  }

  /** A sequence set of sequence numbers as UID ranges (contiguous sequence ranges stay ranges). */
  uidRangesForSequenceSet(set: SequenceSet): { from: number; to: number }[] {
    const max = this.uids.length;
    const out: { from: number; to: number }[] = [];
    for (const r of set) {
      const a = Math.max(1, Math.min(r.from === Infinity ? max : r.from, r.to === Infinity ? max : r.to));
      const b = Math.min(max, Math.max(r.from === Infinity ? max : r.from, r.to === Infinity ? max : r.to));
      if (a <= b && max > 0) out.push({ from: this.uids[a - 1]!, to: this.uids[b - 1]! });
    }
    return out;
  }
}

/** Reads the state a SELECT starts from. */
export async function openMailbox(store: MailStore, summary: MailboxSummary, readOnly: boolean, claimRecent: boolean): Promise<SelectedMailbox> {
  const view = await store.selectView(summary.id, claimRecent, MAX_LISTED_KEYWORDS);
  const box = new SelectedMailbox(summary, readOnly, view.uids, view.highestModseq);
  box.firstUnseenUid = view.firstUnseenUid;
  box.keywords.add(view.keywords);
  // RFC 3501 6.3.2: EXAMINE sees the same \Recent messages SELECT would, without claiming them;
  // an IMAP4rev2 SELECT (not claiming, not read-only) has none.
  if (view.recentFrom !== null && box.exists > 0 && (claimRecent || readOnly)) box.recent.addRange(view.recentFrom + 1, box.lastUid);
  return box;
}

/** "1:3,7" from ascending numbers (UIDPLUS response codes, SEARCH-style compaction). */
export function compactSet(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) end = sorted[++i]!;
    parts.push(start === end ? `${start}` : `${start}:${end}`);
  }
  return parts.join(',');
}
