const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');

/**
 * The message as POP3 presents it (RFC 1939 11): every line ends with CRLF. A bare LF gains a
 * CR; a last line without LF gains CRLF. Other bytes pass unchanged. Its length is the size
 * LIST and STAT report, and it is what a client holds after undoing the dot-stuffing of RETR.
 * (libs/store computes the same length in SQL; a test keeps the two in step.)
 */
export function toWireMessage(raw: Buffer): Buffer {
  if (raw.length === 0 || isWireForm(raw)) return raw;
  const pieces: Buffer[] = [];
  let start = 0;
  let changed = false;
  while (start < raw.length) {
    const lf = raw.indexOf(LF, start);
    if (lf === -1) {
      pieces.push(raw.subarray(start), CRLF);
      changed = true;
      break;
    }
    if (lf > start && raw[lf - 1] === CR) {
      pieces.push(raw.subarray(start, lf + 1));
    } else {
      pieces.push(raw.subarray(start, lf), CRLF);
      changed = true;
    }
    start = lf + 1;
  }
  return changed ? Buffer.concat(pieces) : raw;
}

/** True when every LF has its CR and the last byte is LF: most stored mail, sent as it is. */
function isWireForm(raw: Buffer): boolean {
  if (raw[raw.length - 1] !== LF) return false;
  let lf = raw.indexOf(LF);
  while (lf !== -1) {
    if (lf === 0 || raw[lf - 1] !== CR) return false;
    lf = raw.indexOf(LF, lf + 1);
  }
  return true;
}

/** Octets of `toWireMessage(raw)`, without building it. */
export function wireSize(raw: Buffer): number {
  if (raw.length === 0) return 0;
  let size = raw.length;
  let lf = raw.indexOf(LF);
  while (lf !== -1) {
    if (lf === 0 || raw[lf - 1] !== CR) size += 1;
    lf = raw.indexOf(LF, lf + 1);
  }
  if (raw[raw.length - 1] !== LF) size += 2;
  return size;
}

/**
 * A multi-line response body (RFC 1939 3): every line starting with "." gets one more ".",
 * and the body is closed by ".CRLF". `wire` must be CRLF-terminated lines (or empty).
 */
export function dotStuff(wire: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let start = 0;
  // Only lines starting with "." change: find them ("." first, or after an LF) and copy the runs between.
  let dot = wire[0] === DOT ? 0 : lineStartingWithDot(wire, 0);
  while (dot !== -1) {
    pieces.push(wire.subarray(start, dot), DOT_BUFFER);
    start = dot;
    dot = lineStartingWithDot(wire, dot + 1);
  }
  pieces.push(wire.subarray(start), TERMINATOR);
  return Buffer.concat(pieces);
}

const DOT_BUFFER = Buffer.from('.');
const TERMINATOR = Buffer.from('.\r\n');

/** Offset of the next "." that starts a line, searching from `from`; -1 when none. */
function lineStartingWithDot(wire: Buffer, from: number): number {
  const at = wire.indexOf('\n.', from);
  return at === -1 ? -1 : at + 1;
}

/**
 * TOP (RFC 1939 7): the header, the blank line after it, and the first `lines` lines of the
 * body (all of it when shorter). A message without a blank line is all header.
 */
export function topOfMessage(wire: Buffer, lines: number): Buffer {
  const blank = wire.indexOf('\r\n\r\n');
  const bodyStart = wire[0] === CR && wire[1] === LF ? 2 : blank === -1 ? -1 : blank + 4;
  if (bodyStart === -1) return wire;
  let end = bodyStart;
  for (let i = 0; i < lines && end < wire.length; i++) {
    const lf = wire.indexOf(LF, end);
    end = lf === -1 ? wire.length : lf + 1;
  }
  return wire.subarray(0, end);
}

/** Decodes a multi-line response body as a client does: strips the terminator and the stuffing. */
export function undotStuff(body: Buffer): Buffer {
  const text = body.toString('latin1');
  if (!text.endsWith('.\r\n')) throw new Error('multi-line body is not terminated by .CRLF');
  const lines = text.slice(0, -3).split('\r\n');
  lines.pop();
  return Buffer.from(lines.map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n') + (lines.length ? '\r\n' : ''), 'latin1');
}
