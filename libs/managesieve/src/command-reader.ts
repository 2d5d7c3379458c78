/** One argument as sent: an atom (the command name, a number, ACTIVE), or a string (quoted or literal). */
export type Token = { kind: 'atom'; text: string } | { kind: 'string'; bytes: Buffer };

/**
 * What the reader hands on: a complete command (or a client's line in a SASL exchange), or a
 * problem with one. `tooLarge` marks a literal over the size limit (PUTSCRIPT answers
 * QUOTA/MAXSIZE); `fatal` means the stream can no longer be followed and the session must end.
 */
export type ReadItem = { kind: 'command'; tokens: Token[] } | { kind: 'error'; message: string; tooLarge?: boolean; fatal?: boolean };

export interface CommandReaderLimits {
  /** Octets of one command outside its literals (CRLF excluded). */
  maxLineLength: number;
  /** Octets of one literal, and of all literals of one command together. */
  maxLiteralSize: number;
}

// RFC 5804 4: quoted = DQUOTE *1024QUOTED-CHAR DQUOTE.
export const MAX_QUOTED_LENGTH = 1024;
// RFC 5804 4: number = 1*DIGIT, 0 <= n <= 4,294,967,295.
export const MAX_NUMBER = 4_294_967_295;

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;

type State =
  | { name: 'between' }
  | { name: 'cr' }
  | { name: 'atom' }
  | { name: 'quoted'; escape: boolean }
  | { name: 'literal-header'; digits: string; plus: boolean; closed: boolean; cr: boolean }
  | { name: 'literal'; data: Buffer; filled: number }
  | { name: 'skip-literal'; remaining: number; thenError: ReadItem | undefined }
  | { name: 'discard' };

/**
 * The ManageSieve command stream (RFC 5804 4) split into commands of atoms and strings.
 * Socket-free and resumable: any chunking of the same bytes yields the same items. Literals
 * may be `{n+}` (RFC 5804's literal-c2s) or `{n}`, taken the same way (no continuation: the
 * data follows at once, as Pigeonhole accepts it). Nothing is buffered past the limits: a line
 * too long, a bad quoted string or a literal too large is reported once and the rest of the
 * command skipped, its literals included, so their bytes are never read as commands.
 */
export class CommandReader {
  private state: State = { name: 'between' };
  private tokens: Token[] = [];
  /** The current atom or quoted string, as bytes. */
  private piece: number[] = [];
  private lineLength = 0;
  private literalTotal = 0;
  /** The last octets of the current line, to find a literal header at the end of a line being discarded. */
  private recent = '';

  constructor(private readonly limits: CommandReaderLimits) {}

  push(chunk: Buffer): ReadItem[] {
    const out: ReadItem[] = [];
    let i = 0;
    while (i < chunk.length) {
      const state = this.state;
      if (state.name === 'literal') {
        const take = Math.min(chunk.length - i, state.data.length - state.filled);
        chunk.copy(state.data, state.filled, i, i + take);
        state.filled += take;
        i += take;
        if (state.filled === state.data.length) {
          this.tokens.push({ kind: 'string', bytes: state.data });
          this.state = { name: 'between' };
        }
        continue;
      }
      if (state.name === 'skip-literal') {
        const take = Math.min(chunk.length - i, state.remaining);
        state.remaining -= take;
        i += take;
        if (state.remaining === 0) {
          if (state.thenError) out.push(state.thenError);
          this.recent = '';
          this.state = { name: 'discard' };
        }
        continue;
      }
      const byte = chunk[i]!;
      i += 1;
      if (state.name === 'discard') this.discardByte(byte, out);
      else if (byte !== LF && byte !== CR && ++this.lineLength > this.limits.maxLineLength) this.fail(out, 'Command line too long', byte);
      else this.step(state, byte, out);
      this.recent = byte === LF ? '' : (this.recent + String.fromCharCode(byte)).slice(-16);
    }
    return out;
  }

  /** Forgets buffered input (after STARTTLS: nothing sent in the clear may be read as if it came over TLS). */
  reset(): void {
    this.state = { name: 'between' };
    this.recent = '';
    this.startCommand();
  }

  private step(state: State, byte: number, out: ReadItem[]): void {
    switch (state.name) {
      case 'between':
        if (byte === SP) return;
        if (byte === CR) return void (this.state = { name: 'cr' });
        if (byte === LF) return this.endCommand(out);
        if (byte === DQUOTE) return void (this.state = { name: 'quoted', escape: false });
        if (byte === LBRACE) return void (this.state = { name: 'literal-header', digits: '', plus: false, closed: false, cr: false });
        this.piece = [byte];
        this.state = { name: 'atom' };
        return;
      case 'cr':
        if (byte === LF) return this.endCommand(out);
        return this.fail(out, 'CR not followed by LF', byte);
      case 'atom':
        if (byte === SP || byte === CR || byte === LF) {
          this.tokens.push({ kind: 'atom', text: Buffer.from(this.piece).toString('latin1') });
          this.piece = [];
          this.state = { name: 'between' };
          if (byte !== SP) this.step(this.state, byte, out);
          return;
        }
        if (byte === DQUOTE || byte === LBRACE) return this.fail(out, 'Unexpected character in an atom', byte);
        this.piece.push(byte);
        return;
      case 'quoted':
        if (byte === CR || byte === LF || byte === 0) return this.fail(out, 'A quoted string cannot hold CR, LF or NUL; send a literal', byte);
        if (state.escape) {
          // RFC 5804 4: QUOTED-SPECIALS are the only escapes.
          if (byte !== DQUOTE && byte !== BACKSLASH) return this.fail(out, 'Only \\" and \\\\ may be escaped in a quoted string', byte);
          state.escape = false;
          this.piece.push(byte);
        } else if (byte === BACKSLASH) state.escape = true;
        else if (byte === DQUOTE) {
          this.tokens.push({ kind: 'string', bytes: Buffer.from(this.piece) });
          this.piece = [];
          this.state = { name: 'between' };
          return;
        } else this.piece.push(byte);
        if (this.piece.length > MAX_QUOTED_LENGTH) return this.fail(out, `A quoted string has at most ${MAX_QUOTED_LENGTH} octets; send a literal`, byte);
        return;
      case 'literal-header':
        return this.literalHeader(state, byte, out);
      case 'literal':
      case 'skip-literal':
      case 'discard':
        return;
    }
  }

  private literalHeader(state: Extract<State, { name: 'literal-header' }>, byte: number, out: ReadItem[]): void {
    if (!state.closed) {
      if (byte >= 0x30 && byte <= 0x39 && !state.plus && state.digits.length < 11) state.digits += String.fromCharCode(byte);
      else if (byte === 0x2b && !state.plus && state.digits !== '') state.plus = true;
      else if (byte === 0x7d && state.digits !== '') state.closed = true;
      else this.fail(out, 'Malformed literal header', byte);
      return;
    }
    if (byte === CR && !state.cr) {
      state.cr = true;
      return;
    }
    if (byte !== LF) return this.fail(out, 'A literal header must end the line', byte);
    const size = Number(state.digits);
    if (size > MAX_NUMBER) {
      // Too large to skip in good faith: the client cannot be followed any more.
      out.push({ kind: 'error', message: 'Literal too large', fatal: true });
      this.startCommand();
      this.state = { name: 'discard' };
      return;
    }
    if (this.literalTotal + size > this.limits.maxLiteralSize) {
      const error: ReadItem = { kind: 'error', message: `A literal has at most ${this.limits.maxLiteralSize} octets`, tooLarge: true };
      this.startCommand();
      this.state = { name: 'skip-literal', remaining: size, thenError: error };
      return;
    }
    this.literalTotal += size;
    if (size === 0) {
      this.tokens.push({ kind: 'string', bytes: Buffer.alloc(0) });
      this.state = { name: 'between' };
      return;
    }
    this.state = { name: 'literal', data: Buffer.alloc(size), filled: 0 };
  }

  /**
   * Reports the problem and skips the rest of the command. `byte` is the one that broke it: when
   * it ends the line there is nothing left to skip.
   */
  private fail(out: ReadItem[], message: string, byte: number): void {
    out.push({ kind: 'error', message });
    this.startCommand();
    this.state = byte === LF ? { name: 'between' } : { name: 'discard' };
  }

  /** Skips to the end of the line; a line ending in a literal header continues after the literal's octets. */
  private discardByte(byte: number, out: ReadItem[]): void {
    if (byte !== LF) return;
    const literal = /\{(\d{1,11})\+?\}\r?$/.exec(this.recent);
    if (!literal) {
      this.state = { name: 'between' };
      this.startCommand();
      return;
    }
    const size = Number(literal[1]);
    if (size > MAX_NUMBER) {
      out.push({ kind: 'error', message: 'Literal too large', fatal: true });
      return;
    }
    if (size > 0) this.state = { name: 'skip-literal', remaining: size, thenError: undefined };
  }

  private endCommand(out: ReadItem[]): void {
    const tokens = this.tokens;
    this.startCommand();
    this.state = { name: 'between' };
    // An empty line is no command: clients send one after a literal that ends a command line.
    if (tokens.length > 0) out.push({ kind: 'command', tokens });
  }

  private startCommand(): void {
    this.tokens = [];
    this.piece = [];
    this.lineLength = 0;
    this.literalTotal = 0;
  }
}
