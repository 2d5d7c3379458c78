import { encodeMailboxName } from './utf7';

/**
 * Pieces of one response line: text, or bytes that may go out as a literal. A response
 * is built into `chunks` and written once (large bodies are never copied into a string).
 */
export class ResponseBuilder {
  readonly chunks: Buffer[] = [];
  private text = '';

  raw(text: string): this {
    this.text += text;
    return this;
  }

  /** A string, quoted when it can be, else a literal (RFC 3501 4.3). */
  string(value: string | Buffer): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    if (canQuote(bytes)) return this.raw(quote(bytes.toString('latin1')));
    return this.literal(bytes);
  }

  nstring(value: string | Buffer | null | undefined): this {
    return value === null || value === undefined ? this.raw('NIL') : this.string(value);
  }

  /** Always a literal: message bodies, whatever they hold. */
  literal(bytes: Buffer): this {
    this.text += `{${bytes.length}}\r\n`;
    this.flushText();
    if (bytes.length > 0) this.chunks.push(bytes);
    return this;
  }

  /** A mailbox name: modified UTF-7, or UTF-8 itself once the client enabled UTF8=ACCEPT (RFC 6855 3). */
  mailbox(name: string, utf8 = false): this {
    return this.string(utf8 ? name : encodeMailboxName(name));
  }

  private flushText(): void {
    if (this.text) this.chunks.push(Buffer.from(this.text, 'latin1'));
    this.text = '';
  }

  /** Ends the line: returns the bytes and resets. */
  end(): Buffer {
    this.text += '\r\n';
    this.flushText();
    const out = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return out;
  }
}

/**
 * Quoted strings carry only 7-bit text without CR, LF or NUL (RFC 3501 4.3 / 9 `QUOTED-CHAR`);
 * long values go out as literals so no line grows without bound.
 */
export function canQuote(bytes: Buffer): boolean {
  if (bytes.length > 1000) return false;
  for (const b of bytes) if (b === 0 || b === 0x0d || b === 0x0a || b > 0x7f) return false;
  return true;
}

/** A latin1/ASCII string as an IMAP quoted string, escaping `"` and `\`. */
export function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Text for a status response: no CR/LF may end the line early. */
export function responseText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 500);
}
