/**
 * Sequence-set helpers for the results the server sends (RFC 3501 section 9 `sequence-set`,
 * RFC 4731 section 3.1 `ALL`, RFC 7162 section 3.2.10 VANISHED). Parsing what clients send
 * stays in protocol/arguments.ts; these build and walk sets without ever materialising a
 * client-supplied range such as `1:4294967295`.
 */

/** One inclusive range; structurally the same as protocol/arguments.ts `SequenceSet` items. */
export interface NumberRange {
  from: number;
  to: number;
}

/** Sorted, de-duplicated, merged ranges covering `numbers` (order and repeats do not matter). */
export function toRanges(numbers: Iterable<number>): NumberRange[] {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const ranges: NumberRange[] = [];
  for (const n of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && n === last.to + 1) last.to = n;
    else ranges.push({ from: n, to: n });
  }
  return ranges;
}

/**
 * The shortest sequence-set for `numbers`: `[1, 2, 3, 5]` -> `1:3,5`. Empty input gives ''
 * (callers omit the item, as RFC 4731 section 3.1 requires for ALL with no match).
 */
export function compressSequenceSet(numbers: Iterable<number>): string {
  return toRanges(numbers)
    .map((r) => (r.from === r.to ? String(r.from) : `${r.from}:${r.to}`))
    .join(',');
}

/**
 * The members of `existing` (UIDs or sequence numbers actually present, any order) that lie in
 * `set`, ascending. Memory is bounded by `existing`, never by the ranges the client wrote.
 * `*` (Infinity) must already be resolved, or is treated as "no upper bound".
 */
export function selectInSequenceSet(set: readonly NumberRange[], existing: Iterable<number>): number[] {
  const merged = mergeRanges(set);
  const out: number[] = [];
  for (const n of existing) if (rangesContain(merged, n)) out.push(n);
  return out.sort((a, b) => a - b);
}

/** Expands a set into numbers, refusing (RangeError) when it would produce more than `limit`. */
export function expandSequenceSet(set: readonly NumberRange[], limit = 100_000): number[] {
  const merged = mergeRanges(set);
  let total = 0;
  for (const r of merged) {
    if (!Number.isFinite(r.to)) throw new RangeError('cannot expand an unresolved * range');
    total += r.to - r.from + 1;
    if (total > limit) throw new RangeError(`sequence set expands to more than ${limit} numbers`);
  }
  const out: number[] = [];
  for (const r of merged) for (let n = r.from; n <= r.to; n++) out.push(n);
  return out;
}

/** Sorts, normalises reversed ranges and merges overlapping or adjacent ones. */
export function mergeRanges(set: readonly NumberRange[]): NumberRange[] {
  const sorted = set.map((r) => ({ from: Math.min(r.from, r.to), to: Math.max(r.from, r.to) })).sort((a, b) => a.from - b.from);
  const out: NumberRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

/** Binary search over merged ranges (from mergeRanges). */
export function rangesContain(merged: readonly NumberRange[], n: number): boolean {
  let lo = 0;
  let hi = merged.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = merged[mid]!;
    if (n < r.from) hi = mid - 1;
    else if (n > r.to) lo = mid + 1;
    else return true;
  }
  return false;
}
