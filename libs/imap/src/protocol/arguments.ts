import { SyntaxError, type ArgNode } from './command-reader';

/** A sequence set (RFC 3501 9 `sequence-set`); `*` is kept as Infinity until resolved. */
export type SequenceSet = { from: number; to: number }[];

export function parseSequenceSet(text: string): SequenceSet {
  if (!/^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(text)) throw new SyntaxError(`Invalid sequence set ${text.slice(0, 40)}`);
  return text.split(',').map((part) => {
    const [a, b = a] = part.split(':') as [string, string?];
    const num = (s: string) => {
      if (s === '*') return Infinity;
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < 1 || n > 0xffffffff) throw new SyntaxError(`Invalid number ${s.slice(0, 20)} in sequence set`);
      return n;
    };
    const x = num(a);
    const y = num(b);
    return { from: Math.min(x, y), to: Math.max(x, y) };
  });
}

/**
 * SEARCHRES `$` (RFC 5182 2.1) where a sequence set may stand: the session resolves it from the
 * saved search result (SelectedMailbox). Compared by identity; empty for any other reader.
 */
export const SAVED_RESULT: SequenceSet = Object.freeze([]) as unknown as SequenceSet;

/** Resolves `*` to `max` (the largest number in use) and normalises reversed ranges. */
export function resolveSequenceSet(set: SequenceSet, max: number): SequenceSet {
  return set.map((r) => {
    const a = r.from === Infinity ? max : r.from;
    const b = r.to === Infinity ? max : r.to;
    return { from: Math.min(a, b), to: Math.max(a, b) };
  });
}

export function inSequenceSet(set: SequenceSet, n: number): boolean {
  return set.some((r) => n >= r.from && n <= r.to);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3501 `date` (d-MMM-yyyy, SEARCH) -> a UTC midnight Date. */
export function parseSearchDate(text: string): Date {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = m ? MONTHS.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase()) : -1;
  if (!m || month < 0) throw new SyntaxError(`Invalid date ${text.slice(0, 30)}`);
  const d = new Date(Date.UTC(Number(m[3]), month, Number(m[1])));
  if (d.getUTCDate() !== Number(m[1])) throw new SyntaxError(`Invalid date ${text.slice(0, 30)}`);
  return d;
}

/** RFC 3501 `date-time` ("dd-MMM-yyyy hh:mm:ss +zzzz", APPEND). */
export function parseDateTime(text: string): Date {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = m ? MONTHS.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase()) : -1;
  if (!m || month < 0) throw new SyntaxError(`Invalid date-time ${text.slice(0, 40)}`);
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  const utc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offset * 60_000;
  const d = new Date(utc);
  if (Number.isNaN(d.getTime()) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60) throw new SyntaxError('Invalid date-time');
  return d;
}

/** RFC 3501 date-time of INTERNALDATE, in UTC ("22-Nov-2026 12:00:00 +0000"). */
export function formatDateTime(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Reads a command's arguments in order; every getter throws SyntaxError (-> tagged BAD). */
export class ArgReader {
  private index = 0;

  constructor(private readonly args: ArgNode[]) {}

  get remaining(): number {
    return this.args.length - this.index;
  }

  peek(): ArgNode | undefined {
    return this.args[this.index];
  }

  next(what: string): ArgNode {
    const node = this.args[this.index];
    if (!node) throw new SyntaxError(`Missing ${what}`);
    this.index++;
    return node;
  }

  atom(what: string): string {
    const node = this.next(what);
    if (node.kind !== 'atom') throw new SyntaxError(`Expected ${what}`);
    return node.value;
  }

  /** astring: atom, quoted or literal, as UTF-8 text. */
  string(what: string): string {
    return textOf(this.next(what), what);
  }

  bytes(what: string): Buffer {
    const node = this.next(what);
    if (node.kind === 'string') return node.value;
    if (node.kind === 'atom') return Buffer.from(node.value, 'latin1');
    throw new SyntaxError(`Expected ${what}`);
  }

  list(what: string): ArgNode[] {
    const node = this.next(what);
    if (node.kind !== 'list') throw new SyntaxError(`Expected a list of ${what}`);
    return node.items;
  }

  optionalList(): ArgNode[] | undefined {
    const node = this.peek();
    if (node?.kind !== 'list') return undefined;
    this.index++;
    return node.items;
  }

  sequenceSet(): SequenceSet {
    const text = this.atom('sequence set');
    return text === '$' ? SAVED_RESULT : parseSequenceSet(text);
  }

  end(): void {
    if (this.index < this.args.length) throw new SyntaxError('Too many arguments');
  }
}

/**
 * An atom, quoted string or literal as UTF-8 text. A literal is CHAR8 (RFC 3501 9, RFC 9051 9:
 * %x01-ff): NUL only travels in a literal8 (APPEND's message, read with `bytes`).
 */
export function nodeText(node: ArgNode): string {
  return textOf(node, 'a string');
}

function textOf(node: ArgNode, what: string): string {
  if (node.kind === 'atom') return node.value;
  if (node.kind !== 'string') throw new SyntaxError(`Expected ${what}`);
  if (node.value.includes(0)) throw new SyntaxError(`NUL is not allowed in ${what}`);
  return node.value.toString('utf8');
}
