import type { ComparatorName, RelationalOp } from './commands/common';

export type MatchType = 'is' | 'contains' | 'matches' | 'value' | 'count';

export interface Matcher {
  type: MatchType;
  comparator: ComparatorName;
  relation: RelationalOp | null;
}

/** Charged for every character a :matches pattern walks, so a pathological pattern runs out of budget. */
export interface WorkMeter {
  charge(units: number): void;
}

/** RFC 4790 9.2: i;ascii-casemap folds only A-Z. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** RFC 4790 9.1: the leading digits, or null ("positive infinity") when there are none. */
export function numericValue(s: string): bigint | null {
  const m = /^[0-9]+/.exec(s);
  return m === null ? null : BigInt(m[0]);
}

function compareNumeric(a: string, b: string): number {
  const x = numericValue(a);
  const y = numericValue(b);
  if (x === null && y === null) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Ordering of two values under a comparator (RFC 5231 relational tests). */
export function compareValues(comparator: ComparatorName, a: string, b: string): number {
  if (comparator === 'i;ascii-numeric') return compareNumeric(a, b);
  const x = comparator === 'i;ascii-casemap' ? asciiLower(a) : a;
  const y = comparator === 'i;ascii-casemap' ? asciiLower(b) : b;
  // i;octet orders by octets: UTF-8 order equals code point order
  const xa = Buffer.from(x, 'utf8');
  const ya = Buffer.from(y, 'utf8');
  return Buffer.compare(xa, ya);
}

export function relationHolds(op: RelationalOp, cmp: number): boolean {
  switch (op) {
    case 'gt':
      return cmp > 0;
    case 'ge':
      return cmp >= 0;
    case 'lt':
      return cmp < 0;
    case 'le':
      return cmp <= 0;
    case 'eq':
      return cmp === 0;
    case 'ne':
      return cmp !== 0;
  }
}

export interface MatchResult {
  matched: boolean;
  /** :matches only: ${0} the whole value, then one entry per wildcard (RFC 5229 3.2) */
  captures?: string[];
}

/**
 * One value against one key. :count is handled by the caller (it compares the number of
 * values); :value compares with the relational operator.
 */
export function matchOne(m: Matcher, value: string, key: string, meter: WorkMeter): MatchResult {
  switch (m.type) {
    case 'is':
    case 'count':
      return { matched: compareValues(m.comparator, value, key) === 0 };
    case 'value':
      return { matched: relationHolds(m.relation!, compareValues(m.comparator, value, key)) };
    case 'contains': {
      meter.charge(Math.ceil((value.length + key.length) / 256));
      if (m.comparator === 'i;ascii-casemap') return { matched: asciiLower(value).includes(asciiLower(key)) };
      return { matched: value.includes(key) };
    }
    case 'matches': {
      const captures = glob(value, key, m.comparator === 'i;ascii-casemap', meter);
      return captures === null ? { matched: false } : { matched: true, captures };
    }
  }
}

type PatternItem = { kind: 'star' } | { kind: 'any' } | { kind: 'char'; ch: string };

function compilePattern(pattern: string, fold: boolean): PatternItem[] {
  const items: PatternItem[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) {
      i++;
      items.push({ kind: 'char', ch: fold ? asciiLower(chars[i]!) : chars[i]! });
    } else if (c === '*') {
      items.push({ kind: 'star' }); // consecutive stars each capture (the later ones empty)
    } else if (c === '?') {
      items.push({ kind: 'any' });
    } else {
      items.push({ kind: 'char', ch: fold ? asciiLower(c) : c });
    }
  }
  return items;
}

/**
 * RFC 5228 2.7.1 wildcards, with RFC 5229 3.2 captures: each "*" takes as little as it can
 * (leftmost shortest), found by the classic backtrack-to-the-last-star walk, O(n*m) worst case.
 * Works on code points, so "?" is one character, not one octet.
 */
export function glob(valueText: string, pattern: string, fold: boolean, meter: WorkMeter): string[] | null {
  const value = Array.from(valueText);
  const cmpValue = fold ? value.map((c) => asciiLower(c)) : value;
  const items = compilePattern(pattern, fold);
  // starts[k] = where the k-th item matched in value
  const starts = new Array<number>(items.length + 1).fill(0);
  const ends = new Array<number>(items.length).fill(0);
  let vi = 0;
  let pi = 0;
  let lastStar = -1;
  let lastStarValue = 0;
  let work = 0;
  while (vi < value.length || pi < items.length) {
    if (++work % 1024 === 0) meter.charge(1);
    const item = items[pi];
    if (item !== undefined && vi <= value.length) {
      if (item.kind === 'star') {
        lastStar = pi;
        lastStarValue = vi;
        starts[pi] = vi;
        ends[pi] = vi;
        pi++;
        continue;
      }
      if (vi < value.length && (item.kind === 'any' || cmpValue[vi] === item.ch)) {
        starts[pi] = vi;
        ends[pi] = vi + 1;
        pi++;
        vi++;
        continue;
      }
    }
    if (lastStar < 0 || lastStarValue >= value.length) return null;
    lastStarValue++;
    ends[lastStar] = lastStarValue;
    pi = lastStar + 1;
    vi = lastStarValue;
  }
  const captures = [valueText];
  items.forEach((item, k) => {
    if (item.kind === 'star' || item.kind === 'any') captures.push(value.slice(starts[k], ends[k]).join(''));
  });
  return captures;
}

/** RFC 5229 4.1 :quotewildcard */
export function quoteWildcards(s: string): string {
  return s.replace(/[*?\\]/g, (c) => '\\' + c);
}
