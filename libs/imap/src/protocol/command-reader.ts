/**
 * Resumable, socket-free IMAP command reader (RFC 3501 section 9 grammar, RFC 7888 LITERAL+).
 *
 * Bytes go in through `push`; out come events: a complete command (tag, name, argument
 * tree), a request to send a `+` continuation for a synchronizing literal, a raw line (while
 * the session expects one: AUTHENTICATE responses, IDLE's DONE) or an error. Every buffer is
 * bounded: a line longer than `maxLineLength`, a literal larger than `maxLiteralSize`, more
 * than `maxLiterals` literals in one command or lists nested deeper than `maxNesting` end
 * the command with an error instead of growing memory.
 */

export type ArgNode =
  | { kind: 'atom'; value: string }
  | { kind: 'string'; value: Buffer; literal: boolean }
  | { kind: 'list'; items: ArgNode[] };

export interface ParsedCommand {
  tag: string;
  /** upper-cased command name; for UID commands "UID FETCH" etc. */
  name: string;
  args: ArgNode[];
}

export type ReaderEvent =
  | { type: 'command'; command: ParsedCommand }
  /** A synchronizing literal {n} was announced: answer "+ ..." so the client sends it. */
  | { type: 'continue'; size: number }
  | { type: 'line'; text: string }
  /**
   * A command that cannot be used. `fatal` means the byte stream can no longer be trusted
   * (oversized non-synchronizing literal): the session must say BYE and close.
   */
  | { type: 'error'; tag: string | null; code: 'syntax' | 'too-long' | 'too-big' | 'nesting'; message: string; fatal: boolean };

export interface ReaderLimits {
  maxLineLength: number;
  maxLiteralSize: number;
  maxLiterals: number;
  maxNesting: number;
  maxTagLength: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = {
  maxLineLength: 65_536,
  maxLiteralSize: 50 * 1024 * 1024,
  maxLiterals: 1000,
  maxNesting: 32,
  maxTagLength: 64,
};

/** One piece of a command: text up to a CRLF, or a literal's bytes. */
type Segment = { text: Buffer } | { literal: Buffer };

export class SyntaxError extends Error {
  constructor(
    message: string,
    readonly code: 'syntax' | 'nesting' = 'syntax',
  ) {
    super(message);
  }
}

// `~{n}` is BINARY's literal8 (RFC 3516 4.2, APPEND): read as a literal like `{n}`.
const LITERAL_AT_END = /~?\{(\d{1,20})(\+?)\}$/;

export class CommandReader {
  private line: Buffer[] = [];
  private lineLength = 0;
  private segments: Segment[] = [];
  private literalsInCommand = 0;
  /** bytes still expected for the current literal */
  private literalRemaining = 0;
  private literalChunks: Buffer[] = [];
  /** discarding the rest of an over-long line (until CRLF) */
  private discarding = false;
  /** the session wants the next line raw (continuation data), not a command */
  private rawLineWanted = false;
  private broken = false;

  constructor(private readonly limits: ReaderLimits = DEFAULT_READER_LIMITS) {}

  /** The next line is delivered as a `line` event (AUTHENTICATE data, IDLE DONE). */
  expectLine(): void {
    this.rawLineWanted = true;
  }

  push(chunk: Buffer): ReaderEvent[] {
    const events: ReaderEvent[] = [];
    let i = 0;
    while (i < chunk.length && !this.broken) {
      if (this.literalRemaining > 0) {
        const take = Math.min(this.literalRemaining, chunk.length - i);
        this.literalChunks.push(chunk.subarray(i, i + take));
        this.literalRemaining -= take;
        i += take;
        if (this.literalRemaining === 0) {
          this.segments.push({ literal: Buffer.concat(this.literalChunks) });
          this.literalChunks = [];
        }
        continue;
      }
      // Look for the end of the line in this chunk.
      const lf = chunk.indexOf(0x0a, i);
      const end = lf === -1 ? chunk.length : lf;
      const piece = chunk.subarray(i, end);
      if (!this.discarding) {
        if (this.lineLength + piece.length > this.limits.maxLineLength) {
          this.discarding = true;
          const tag = this.currentTag(piece);
          this.resetCommand();
          events.push({ type: 'error', tag, code: 'too-long', message: 'Line too long', fatal: false });
        } else {
          this.line.push(Buffer.from(piece));
          this.lineLength += piece.length;
        }
      }
      i = end;
      if (lf === -1) break;
      i = lf + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      this.endOfLine(events);
    }
    return events;
  }

  /** The tag of the command being read, for error replies (null when there is none yet). */
  private currentTag(extra: Buffer): string | null {
    const first = this.segments.length > 0 && 'text' in this.segments[0]! ? this.segments[0].text : Buffer.concat([...this.line, extra]);
    const m = /^([^\s(){%*"\\\]]{1,64}) /.exec(first.subarray(0, 80).toString('latin1'));
    return m ? m[1]! : null;
  }

  private resetCommand(): void {
    this.line = [];
    this.lineLength = 0;
    this.segments = [];
    this.literalsInCommand = 0;
  }

  private endOfLine(events: ReaderEvent[]): void {
    let text = Buffer.concat(this.line);
    this.line = [];
    this.lineLength = 0;
    if (text.length > 0 && text[text.length - 1] === 0x0d) text = text.subarray(0, text.length - 1);
    if (this.rawLineWanted && this.segments.length === 0) {
      this.rawLineWanted = false;
      events.push({ type: 'line', text: text.toString('utf8') });
      return;
    }
    const tail = text.subarray(Math.max(0, text.length - 24)).toString('latin1');
    const literal = LITERAL_AT_END.exec(tail);
    if (literal) {
      const size = Number(literal[1]);
      const nonSync = literal[2] === '+';
      this.segments.push({ text: text.subarray(0, text.length - literal[0].length) });
      this.literalsInCommand++;
      const tag = this.currentTag(Buffer.alloc(0));
      if (size > this.limits.maxLiteralSize || this.literalsInCommand > this.limits.maxLiterals) {
        this.resetCommand();
        if (nonSync) {
          // RFC 7888 4: the client sends the data without waiting; we cannot tell where the
          // next command starts without reading it all, so the connection ends.
          this.broken = true;
          events.push({ type: 'error', tag, code: 'too-big', message: 'Literal too big', fatal: true });
        } else {
          events.push({ type: 'error', tag, code: 'too-big', message: 'Literal too big', fatal: false });
        }
        return;
      }
      this.literalRemaining = size;
      if (size === 0) this.segments.push({ literal: Buffer.alloc(0) });
      if (!nonSync) events.push({ type: 'continue', size });
      return;
    }
    this.segments.push({ text });
    const segments = this.segments;
    this.resetCommand();
    if (segments.length === 1 && (segments[0] as { text: Buffer }).text.length === 0) return; // empty line: ignore
    try {
      events.push({ type: 'command', command: parseCommand(segments, this.limits) });
    } catch (error) {
      const tag = tagOf(segments);
      if (error instanceof SyntaxError) events.push({ type: 'error', tag, code: error.code, message: error.message, fatal: false });
      else throw error;
    }
  }
}

function tagOf(segments: Segment[]): string | null {
  const first = segments[0];
  if (!first || !('text' in first)) return null;
  const m = /^([^\s(){%*"\\\]]{1,64})(?: |$)/.exec(first.text.subarray(0, 80).toString('latin1'));
  return m ? m[1]! : null;
}

/** Atom specials without the list wildcards: `*` and `%` are read as atom characters so that
 * sequence sets (`1:*`) and LIST patterns arrive as atoms; commands check them. */
const ATOM_SPECIALS = new Set([...'(){ "\\]'].map((c) => c.charCodeAt(0)));

function isAtomChar(b: number): boolean {
  return b > 0x20 && b < 0x7f && !ATOM_SPECIALS.has(b);
}

/** Characters allowed in a tag (RFC 3501 9: any ASTRING-CHAR except "+"). */
function isTagChar(b: number): boolean {
  return (isAtomChar(b) || b === 0x5d) && b !== 0x2b && b !== 0x2a && b !== 0x25;
}

/** A cursor over the segments of one command. */
class Lexer {
  private seg = 0;
  private pos = 0;

  constructor(private readonly segments: Segment[]) {}

  private get text(): Buffer | null {
    const s = this.segments[this.seg];
    return s && 'text' in s ? s.text : null;
  }

  atEnd(): boolean {
    this.skipEmptyText();
    return this.seg >= this.segments.length;
  }

  private skipEmptyText(): void {
    while (this.seg < this.segments.length) {
      const t = this.text;
      if (t && this.pos >= t.length && this.seg < this.segments.length) {
        this.seg++;
        this.pos = 0;
        continue;
      }
      break;
    }
  }

  peek(): number | 'literal' | null {
    this.skipEmptyText();
    if (this.seg >= this.segments.length) return null;
    const t = this.text;
    return t ? t[this.pos]! : 'literal';
  }

  /** The byte after the next one, within the current text segment. */
  peekAfter(): number | null {
    this.skipEmptyText();
    const t = this.text;
    return t && this.pos + 1 < t.length ? t[this.pos + 1]! : null;
  }

  takeLiteral(): Buffer {
    const s = this.segments[this.seg] as { literal: Buffer };
    this.seg++;
    this.pos = 0;
    return s.literal;
  }

  next(): number {
    const b = this.text![this.pos]!;
    this.pos++;
    return b;
  }

  /** Bytes while `ok` holds, within the current text segment. */
  takeWhile(ok: (b: number) => boolean): Buffer {
    const t = this.text;
    if (!t) return Buffer.alloc(0);
    const start = this.pos;
    while (this.pos < t.length && ok(t[this.pos]!)) this.pos++;
    return t.subarray(start, this.pos);
  }

  /** Text up to the end of the command, as is (for diagnostics). */
  expectSpace(): void {
    if (this.peek() !== 0x20) throw new SyntaxError('Expected a space');
    this.next();
  }
}

function parseCommand(segments: Segment[], limits: ReaderLimits): ParsedCommand {
  const lx = new Lexer(segments);
  const tagBytes = lx.takeWhile(isTagChar);
  if (tagBytes.length === 0) throw new SyntaxError('Missing tag');
  if (tagBytes.length > limits.maxTagLength) throw new SyntaxError('Tag too long');
  const tag = tagBytes.toString('latin1');
  if (lx.peek() !== 0x20) throw new SyntaxError('Missing command');
  lx.next();
  let name = lx.takeWhile(isAtomChar).toString('latin1').toUpperCase();
  if (!name) throw new SyntaxError('Missing command');
  if (name === 'UID' && lx.peek() === 0x20) {
    lx.next();
    const sub = lx.takeWhile(isAtomChar).toString('latin1').toUpperCase();
    if (!sub) throw new SyntaxError('Missing UID command');
    name = `UID ${sub}`;
  }
  const args: ArgNode[] = [];
  const stack: ArgNode[][] = [args];
  while (!lx.atEnd()) {
    const current = stack[stack.length - 1]!;
    const b = lx.peek();
    if (b === 'literal') {
      current.push({ kind: 'string', value: lx.takeLiteral(), literal: true });
      continue;
    }
    if (b === 0x20) {
      lx.next();
      continue;
    }
    if (b === 0x28) {
      lx.next();
      if (stack.length > limits.maxNesting) throw new SyntaxError('Too deeply nested', 'nesting');
      const list: ArgNode = { kind: 'list', items: [] };
      current.push(list);
      stack.push(list.items);
      continue;
    }
    if (b === 0x29) {
      lx.next();
      if (stack.length === 1) throw new SyntaxError('Unbalanced parenthesis');
      stack.pop();
      continue;
    }
    if (b === 0x22) {
      lx.next();
      current.push({ kind: 'string', value: readQuoted(lx), literal: false });
      continue;
    }
    // A literal (`{n}`, literal8 `~{n}`) only ends a line; `~` alone is an ATOM-CHAR (RFC 3501 9).
    if (b === 0x7b || (b === 0x7e && lx.peekAfter() === 0x7b)) throw new SyntaxError('Invalid literal');
    current.push({ kind: 'atom', value: readAtom(lx) });
  }
  if (stack.length !== 1) throw new SyntaxError('Unbalanced parenthesis');
  return { tag, name, args };
}

function readQuoted(lx: Lexer): Buffer {
  const out: number[] = [];
  for (;;) {
    const b = lx.peek();
    if (b === null || b === 'literal') throw new SyntaxError('Unterminated quoted string');
    lx.next();
    if (b === 0x22) return Buffer.from(out);
    if (b === 0x5c) {
      const c = lx.peek();
      if (c !== 0x22 && c !== 0x5c) throw new SyntaxError('Invalid escape in quoted string');
      out.push(lx.next());
      continue;
    }
    if (b === 0x0d || b === 0x0a || b === 0) throw new SyntaxError('Invalid character in quoted string');
    out.push(b);
  }
}

/** FETCH items whose `[` opens a section (RFC 3501 6.4.5, RFC 3516 4.3 BINARY). */
const SECTIONED = /^(?:BODY|BODY\.PEEK|BINARY|BINARY\.PEEK|BINARY\.SIZE)$/i;

/**
 * An atom (an astring's ASTRING-CHARs, RFC 3501 9); after a FETCH item name such as `BODY`, a
 * `[` opens a section (`BODY[HEADER.FIELDS (A B)]<0.10>`) read up to its matching `]`, spaces and
 * parentheses included. Anywhere else `[` is an ordinary ATOM-CHAR (`LIST "" [px*`).
 */
function readAtom(lx: Lexer): string {
  let out = '';
  // flag = "\\" atom (RFC 3501 9: system flags and flag-extension)
  if (lx.peek() === 0x5c) out += String.fromCharCode(lx.next());
  for (;;) {
    const chunk = lx.takeWhile((b) => isAtomChar(b) && b !== 0x5b).toString('latin1');
    out += chunk;
    const b = lx.peek();
    if (b === 0x5b && !SECTIONED.test(out)) {
      lx.next();
      out += '[';
      continue;
    }
    if (b === 0x5b) {
      lx.next();
      out += '[';
      let depth = 1;
      while (depth > 0) {
        const c = lx.peek();
        if (c === null || c === 'literal') throw new SyntaxError('Unterminated section');
        lx.next();
        if (c === 0x5b) depth++;
        if (c === 0x5d) depth--;
        if (c < 0x20 || c > 0x7e) throw new SyntaxError('Invalid character in section');
        out += String.fromCharCode(c);
      }
      continue;
    }
    if (b === 0x5d) {
      // "]" is allowed in astrings (RFC 3501 9: resp-specials in ASTRING-CHAR)
      lx.next();
      out += ']';
      continue;
    }
    break;
  }
  if (out.length === 0) throw new SyntaxError('Unexpected character');
  return out;
}
