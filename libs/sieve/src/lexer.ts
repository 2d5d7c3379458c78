/**
 * Sieve lexer (RFC 5228 8.1): resumable, so it gives the same tokens whether the script comes
 * whole or in pieces. `push()` chunks, then `end()`; `tokens` holds what is complete so far.
 */

export type TokenKind = 'identifier' | 'tag' | 'number' | 'string' | 'punct' | 'eof';

export interface Position {
  line: number;
  column: number;
}

export interface Token extends Position {
  kind: TokenKind;
  /** identifier/tag: the name as written (tag without ':'); punct: the character; string: the value */
  text: string;
  /** number: the value with its K/M/G quantifier applied */
  value?: number;
  /** string: came from a multi-line `text:` literal */
  multiline?: boolean;
}

export interface LexError extends Position {
  message: string;
}

const PUNCT = new Set([';', ',', '(', ')', '[', ']', '{', '}']);
const QUANTIFIER: Record<string, number> = { K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 };

type Scan = { token: Token | null; end: number; error?: string } | 'more';

export class SieveLexer {
  readonly tokens: Token[] = [];
  readonly errors: LexError[] = [];
  private buffer = '';
  private pos = 0;
  private line = 1;
  private column = 1;
  private ended = false;

  push(chunk: string): void {
    if (this.ended) throw new Error('SieveLexer: push after end');
    this.buffer += chunk;
    this.drain(false);
  }

  end(): Token[] {
    this.ended = true;
    this.drain(true);
    this.tokens.push({ kind: 'eof', text: '', line: this.line, column: this.column });
    return this.tokens;
  }

  private drain(final: boolean): void {
    while (this.pos < this.buffer.length && this.errors.length === 0) {
      const scan = this.scan(final);
      if (scan === 'more') break;
      if (scan.error !== undefined) {
        this.errors.push({ line: this.line, column: this.column, message: scan.error });
        this.advance(this.buffer.length);
        break;
      }
      if (scan.token) this.tokens.push(scan.token);
      this.advance(scan.end);
    }
    // drop consumed text so a long script fed in pieces stays linear
    if (this.pos > 4096) {
      this.buffer = this.buffer.slice(this.pos);
      this.pos = 0;
    }
  }

  private advance(to: number): void {
    const b = this.buffer;
    for (let i = this.pos; i < to; i++) {
      if (b.charCodeAt(i) === 10) {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
    }
    this.pos = to;
  }

  private at(): Position {
    return { line: this.line, column: this.column };
  }

  private scan(final: boolean): Scan {
    const b = this.buffer;
    const start = this.pos;
    const c = b[start]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      let i = start;
      while (i < b.length && ' \t\r\n'.includes(b[i]!)) i++;
      return { token: null, end: i };
    }
    if (c === '#') {
      const nl = b.indexOf('\n', start);
      if (nl < 0) return final ? { token: null, end: b.length } : 'more';
      return { token: null, end: nl + 1 };
    }
    if (c === '/') {
      if (start + 1 >= b.length) return final ? { token: null, end: start, error: 'unexpected character "/"' } : 'more';
      if (b[start + 1] !== '*') return { token: null, end: start, error: 'unexpected character "/"' };
      const close = b.indexOf('*/', start + 2);
      if (close < 0) return final ? { token: null, end: start, error: 'unterminated comment' } : 'more';
      return { token: null, end: close + 2 };
    }
    if (PUNCT.has(c)) return { token: { kind: 'punct', text: c, ...this.at() }, end: start + 1 };
    if (c === '"') return this.quoted(final);
    if (c === ':') {
      let i = start + 1;
      while (i < b.length && isIdentChar(b[i]!, i === start + 1)) i++;
      if (i === b.length && !final) return 'more';
      if (i === start + 1) return { token: null, end: start, error: 'expected a tag name after ":"' };
      return { token: { kind: 'tag', text: b.slice(start + 1, i), ...this.at() }, end: i };
    }
    if (c >= '0' && c <= '9') {
      let i = start;
      while (i < b.length && b[i]! >= '0' && b[i]! <= '9') i++;
      if (i === b.length && !final) return 'more';
      let value = Number(b.slice(start, i));
      const q = b[i];
      if (q !== undefined && QUANTIFIER[q.toUpperCase()] !== undefined) {
        value *= QUANTIFIER[q.toUpperCase()]!;
        i++;
      }
      if (!Number.isSafeInteger(value)) return { token: null, end: start, error: 'number is too large' };
      return { token: { kind: 'number', text: b.slice(start, i), value, ...this.at() }, end: i };
    }
    if (isIdentChar(c, true)) {
      let i = start;
      while (i < b.length && isIdentChar(b[i]!, i === start)) i++;
      if (i === b.length && !final) return 'more';
      const text = b.slice(start, i);
      if (text.toLowerCase() === 'text' && b[i] === ':') return this.multiline(final, i + 1);
      return { token: { kind: 'identifier', text, ...this.at() }, end: i };
    }
    return { token: null, end: start, error: `unexpected character ${JSON.stringify(c)}` };
  }

  // RFC 5228 2.4.2: \" and \\ are the escapes; any other backslash is dropped ("\a" is "a").
  private quoted(final: boolean): Scan {
    const b = this.buffer;
    let out = '';
    let i = this.pos + 1;
    while (i < b.length) {
      const ch = b[i]!;
      if (ch === '"') return { token: { kind: 'string', text: out, ...this.at() }, end: i + 1 };
      if (ch === '\\') {
        if (i + 1 >= b.length) break;
        out += b[i + 1];
        i += 2;
        continue;
      }
      out += ch;
      i++;
    }
    return final ? { token: null, end: this.pos, error: 'unterminated string' } : 'more';
  }

  // RFC 5228 8.1 multi-line: "text:" *(SP / HTAB) (hash-comment / CRLF) *(multiline-literal /
  // multiline-dotstart) "." CRLF; a line starting with ".." loses one dot.
  private multiline(final: boolean, afterColon: number): Scan {
    const b = this.buffer;
    let i = afterColon;
    while (i < b.length && (b[i] === ' ' || b[i] === '\t')) i++;
    if (i >= b.length) return final ? { token: null, end: this.pos, error: 'unterminated multi-line string' } : 'more';
    if (b[i] === '#') {
      const nl = b.indexOf('\n', i);
      if (nl < 0) return final ? { token: null, end: this.pos, error: 'unterminated multi-line string' } : 'more';
      i = nl + 1;
    } else if (b[i] === '\r' || b[i] === '\n') {
      const nl = b.indexOf('\n', i);
      if (nl < 0) return final ? { token: null, end: this.pos, error: 'unterminated multi-line string' } : 'more';
      if (b.slice(i, nl).replace(/\r$/, '') !== '') return { token: null, end: this.pos, error: 'text: must be followed by the end of the line' };
      i = nl + 1;
    } else {
      return { token: null, end: this.pos, error: 'text: must be followed by the end of the line' };
    }
    const lines: string[] = [];
    for (;;) {
      const nl = b.indexOf('\n', i);
      if (nl < 0) {
        // a final "." without a line break ends the literal at the end of the script
        if (final && b.slice(i) === '.') return { token: { kind: 'string', text: lines.join(''), multiline: true, ...this.at() }, end: b.length };
        return final ? { token: null, end: this.pos, error: 'unterminated multi-line string' } : 'more';
      }
      const content = b.slice(i, nl).replace(/\r$/, '');
      if (content === '.') return { token: { kind: 'string', text: lines.join(''), multiline: true, ...this.at() }, end: nl + 1 };
      lines.push((content.startsWith('..') ? content.slice(1) : content) + '\r\n');
      i = nl + 1;
    }
  }
}

function isIdentChar(c: string, first: boolean): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || (!first && c >= '0' && c <= '9');
}

/** Lexes a whole script. */
export function lexSieve(source: string): { tokens: Token[]; errors: LexError[] } {
  const lexer = new SieveLexer();
  lexer.push(source);
  const tokens = lexer.end();
  return { tokens, errors: lexer.errors };
}
