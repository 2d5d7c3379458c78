import { randomBytes } from 'node:crypto';

/**
 * Header edits on raw message bytes. Headers are handled as latin1 strings so 8-bit bytes
 * (RFC 6532 UTF-8 headers, broken charsets) pass through unchanged; the body is never decoded.
 */

/** Bare LF line ends become CRLF (RFC 5321 2.3.8: bare LF is tolerated on input, stored as CRLF). */
export function normalizeLineEnds(raw: Buffer): Buffer {
  let bare = false;
  for (let i = raw.indexOf(10); i !== -1; i = raw.indexOf(10, i + 1)) {
    if (i === 0 || raw[i - 1] !== 13) {
      bare = true;
      break;
    }
  }
  return bare ? Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1') : raw;
}

/** The header block (each line ending in CRLF, without the blank separator line) and the rest. */
export function splitMessage(raw: Buffer): { header: string; body: Buffer } {
  if (raw.subarray(0, 2).toString('latin1') === '\r\n') return { header: '', body: raw };
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) {
    const text = raw.toString('latin1');
    return { header: text.endsWith('\r\n') ? text : `${text}\r\n`, body: Buffer.alloc(0) };
  }
  return { header: raw.subarray(0, end + 2).toString('latin1'), body: raw.subarray(end + 2) };
}

export function joinMessage(header: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(header, 'latin1'), body.length > 0 ? body : Buffer.from('\r\n')]);
}

export interface HeaderLine {
  name: string;
  /** the whole field with its continuation lines and final CRLF */
  text: string;
}

/** Fields of a header block, continuation lines kept with their field (RFC 5322 2.2.3). */
export function headerLines(header: string): HeaderLine[] {
  const out: HeaderLine[] = [];
  for (const line of header.split(/(?<=\r\n)/)) {
    if (line === '') continue;
    const last = out[out.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      last.text += line;
      continue;
    }
    const colon = line.indexOf(':');
    out.push({ name: colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '', text: line });
  }
  return out;
}

export function countFields(header: string, name: string): number {
  const n = name.toLowerCase();
  return headerLines(header).filter((h) => h.name === n).length;
}

export function hasField(header: string, name: string): boolean {
  return countFields(header, name) > 0;
}

/** The unfolded value of the first field with this name. */
export function fieldValue(header: string, name: string): string | undefined {
  const n = name.toLowerCase();
  const line = headerLines(header).find((h) => h.name === n);
  return line?.text.slice(line.text.indexOf(':') + 1).replace(/\r\n([ \t])/g, '$1').trim();
}

export function removeFields(header: string, names: readonly string[], keep?: (line: HeaderLine) => boolean): string {
  const set = new Set(names.map((n) => n.toLowerCase()));
  return headerLines(header)
    .filter((h) => !set.has(h.name) || (keep?.(h) ?? false))
    .map((h) => h.text)
    .join('');
}

/** Replaces the first field's value (used for the list subject prefix). */
export function replaceFieldValue(header: string, name: string, value: string): string {
  const n = name.toLowerCase();
  let done = false;
  return headerLines(header)
    .map((h) => {
      if (done || h.name !== n) return h.text;
      done = true;
      return `${h.text.slice(0, h.text.indexOf(':'))}: ${value}\r\n`;
    })
    .join('');
}

/** Trace and other fields go on top, in the order given (RFC 5321 4.4: newest trace first). */
export function prependFields(raw: Buffer, fields: readonly string[]): Buffer {
  if (fields.length === 0) return raw;
  const text = fields.map((f) => (f.endsWith('\r\n') ? f : `${f}\r\n`)).join('');
  return Buffer.concat([Buffer.from(text, 'latin1'), raw]);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 3.3 date-time in UTC: "Sun, 22 Nov 2026 13:16:30 +0000". */
export function rfc5322Date(d: Date = new Date()): string {
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export function newMessageId(hostname: string): string {
  return `<${Date.now().toString(36)}.${randomBytes(9).toString('hex')}@${hostname}>`;
}

export interface ReceivedInput {
  helo: string;
  clientHostname: string;
  ip: string;
  hostname: string;
  /** RFC 3848 protocol: SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA */
  protocol: string;
  tls?: { version: string; cipher: string } | false;
  user?: string;
  id: string;
  recipient?: string;
  date?: Date;
}

/**
 * A Received field in RFC 5321 4.4 form:
 * `from <helo> (<host> [<ip>]) by <us> (Mailstead) with <proto> (<tls>) (<auth>) id <id> for <rcpt>; <date>`.
 * The recipient is named only when there is one (a message to many must not reveal the others).
 */
export function receivedField(r: ReceivedInput): string {
  const ip = r.ip.includes(':') && !r.ip.startsWith('::ffff:') ? `IPv6:${r.ip}` : r.ip.replace(/^::ffff:/, '');
  const host = r.clientHostname && !r.clientHostname.startsWith('[') ? `${r.clientHostname} ` : '';
  const parts = [`from ${r.helo || 'unknown'} (${host}[${ip}])`, `by ${r.hostname} (Mailstead)`, `with ${r.protocol}`];
  if (r.tls) parts.push(`(${r.tls.version} cipher ${r.tls.cipher})`);
  if (r.user) parts.push(`(authenticated as ${r.user})`);
  parts.push(`id ${r.id}`);
  if (r.recipient) parts.push(`for <${r.recipient}>`);
  return `Received: ${parts.join('\r\n\t')};\r\n\t${rfc5322Date(r.date)}`;
}
