/** What the line reader hands on: a complete command line, or notice that one was too long. */
export type ReadLine = { kind: 'line'; text: string } | { kind: 'too-long' };

/**
 * Splits the POP3 input stream into command lines (RFC 1939 3: lines end with CRLF; a bare LF
 * is accepted too). Socket-free and resumable: feed it any chunking of the stream and it yields
 * the same lines. A line longer than `maxLineLength` octets (CRLF excluded) is never buffered
 * whole: it is reported once as `too-long` and its remaining bytes are skipped up to its LF.
 */
export class LineReader {
  private parts: Buffer[] = [];
  private buffered = 0;
  private discarding = false;

  constructor(private readonly maxLineLength: number) {}

  push(chunk: Buffer): ReadLine[] {
    const out: ReadLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(0x0a, start);
      const end = lf === -1 ? chunk.length : lf;
      if (this.discarding) {
        if (lf !== -1) this.discarding = false;
      } else {
        const piece = chunk.subarray(start, end);
        const total = this.buffered + piece.length;
        const lastByte = piece.length > 0 ? piece[piece.length - 1] : this.parts.at(-1)?.at(-1);
        // A CR just before the LF is part of the terminator, not of the line: it does not count.
        const content = lf === -1 ? total - 1 : lastByte === 0x0d ? total - 1 : total;
        if (content > this.maxLineLength) {
          this.parts = [];
          this.buffered = 0;
          out.push({ kind: 'too-long' });
          if (lf === -1) this.discarding = true;
        } else if (lf === -1) {
          this.parts.push(Buffer.from(piece));
          this.buffered += piece.length;
        } else {
          const whole = this.parts.length ? Buffer.concat([...this.parts, piece]) : piece;
          this.parts = [];
          this.buffered = 0;
          const text = whole.at(-1) === 0x0d ? whole.subarray(0, -1) : whole;
          out.push({ kind: 'line', text: text.toString('utf8') });
        }
      }
      start = lf === -1 ? chunk.length : lf + 1;
    }
    return out;
  }

  /** Forgets buffered input (after STLS: nothing sent in the clear may be read as if it came over TLS). */
  reset(): void {
    this.parts = [];
    this.buffered = 0;
    this.discarding = false;
  }
}

export interface CommandLine {
  /** The command keyword, upper-cased (RFC 1939 3: keywords are case-insensitive). */
  verb: string;
  /** Arguments separated by single or repeated spaces. */
  args: string[];
  /** Everything after the keyword and one space, as sent (PASS takes spaces as part of the password). */
  rest: string;
}

/** Splits a command line into keyword and arguments; undefined for an empty line. */
export function parseCommandLine(line: string): CommandLine | undefined {
  const space = line.indexOf(' ');
  const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
  if (verb === '') return undefined;
  const rest = space === -1 ? '' : line.slice(space + 1);
  return { verb, args: rest.split(' ').filter((a) => a !== ''), rest };
}
