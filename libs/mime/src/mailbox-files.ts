/**
 * The mailbox file formats people bring and take away: mbox (mboxrd quoting, the `From `
 * separator line, the status headers of Dovecot/mutt and Thunderbird) and Maildir++ (flags in
 * the file name's info suffix, keyword letters from `dovecot-keywords`). Pure: callers read
 * and write the files; messages come and go as CRLF (as the store holds them) and files as LF.
 */

const FROM_LINE = /^From \S*/;

/** A file that is not what its format says (not mbox, a message over the size limit). */
export class MailboxFileError extends Error {
  override name = 'MailboxFileError';
}

const CRLF = Buffer.from('\r\n');

/** LF line ends to CRLF (bare LF only), as a message is stored. */
export function lfToCrlf(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let nl = raw.indexOf(0x0a); nl >= 0; nl = raw.indexOf(0x0a, nl + 1)) {
    if (nl > 0 && raw[nl - 1] === 0x0d) continue;
    parts.push(raw.subarray(start, nl), CRLF);
    start = nl + 1;
  }
  if (parts.length === 0) return raw;
  parts.push(raw.subarray(start));
  return Buffer.concat(parts);
}
/** CRLF line ends to LF, as mbox and Maildir files hold messages on Unix. */
export function crlfToLf(raw: Buffer): Buffer {
  return Buffer.from(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The asctime date of a `From sender Thu Nov 21 10:00:00 2026` line (taken as UTC), or undefined. */
export function mboxFromLineDate(line: string): Date | undefined {
  const m = /(\w{3}) +(\d{1,2}) (\d{2}):(\d{2})(?::(\d{2}))? (?:[A-Z]{3,4} )?(\d{4})\s*$/.exec(line) ?? /(\w{3}) +(\d{1,2}) (\d{2}):(\d{2})(?::(\d{2}))? (\d{4})/.exec(line);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return undefined;
  const date = new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0)));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `From <sender> <asctime UTC>`: the separator line mbox writers (Dovecot, mutt) produce. */
export function mboxFromLine(sender: string, date: Date): string {
  const d = date;
  const pad = (n: number) => String(n).padStart(2, '0');
  const who = sender && !/\s/.test(sender) ? sender : 'MAILER-DAEMON';
  return `From ${who} ${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export interface MboxEntry {
  /** the message, CRLF, with the mboxrd quoting undone and Mailstead's own status headers removed */
  raw: Buffer;
  fromLine: string;
  internalDate: Date | undefined;
  /** IMAP flags and keywords read from the status headers (Status/X-Status/X-Keywords, X-Mozilla-*) */
  flags: string[];
  /** byte offset in the file just after this message: where a resumed import starts */
  endOffset: number;
}

/** Flags in mbox status headers: Dovecot/mutt `Status`/`X-Status`/`X-Keywords`, Thunderbird `X-Mozilla-Status`/`X-Mozilla-Keys`. */
export function mboxStatusFlags(header: string): string[] {
  const flags = new Set<string>();
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(header)?.[1]?.trim();
  const status = field('Status');
  if (status?.includes('R')) flags.add('\\Seen');
  const xStatus = field('X-Status');
  if (xStatus) {
    if (xStatus.includes('A')) flags.add('\\Answered');
    if (xStatus.includes('F')) flags.add('\\Flagged');
    if (xStatus.includes('D')) flags.add('\\Deleted');
    if (xStatus.includes('T')) flags.add('\\Draft');
  }
  for (const k of (field('X-Keywords') ?? '').split(/[\s,]+/)) if (k) flags.add(k);
  const mozilla = field('X-Mozilla-Status');
  if (mozilla && /^[0-9a-f]{4}$/i.test(mozilla)) {
    const bits = parseInt(mozilla, 16);
    if (bits & 0x0001) flags.add('\\Seen');
    if (bits & 0x0002) flags.add('\\Answered');
    if (bits & 0x0004) flags.add('\\Flagged');
    if (bits & 0x0008) flags.add('\\Deleted');
    if (bits & 0x1000) flags.add('$Forwarded');
  }
  for (const k of (field('X-Mozilla-Keys') ?? '').split(/\s+/)) if (k) flags.add(k);
  return [...flags];
}

/** The status headers our mbox export writes (Dovecot's names); import reads and removes them. */
const OWN_STATUS_FIELDS = /^(?:Status|X-Status|X-Keywords):[^\n]*\n/gim;

/** Status/X-Status/X-Keywords lines for an exported message's flags, or '' when it has none. */
export function mboxStatusHeaders(flags: readonly string[]): string {
  const has = (f: string) => flags.includes(f);
  const lines: string[] = [];
  if (has('\\Seen')) lines.push('Status: RO');
  const x = `${has('\\Answered') ? 'A' : ''}${has('\\Flagged') ? 'F' : ''}${has('\\Deleted') ? 'D' : ''}${has('\\Draft') ? 'T' : ''}`;
  if (x) lines.push(`X-Status: ${x}`);
  const keywords = flags.filter((f) => !f.startsWith('\\'));
  if (keywords.length) lines.push(`X-Keywords: ${keywords.join(' ')}`);
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * One mbox entry as written: the `From ` line, our status headers in front of the message's
 * own header (as Dovecot puts them), the body with mboxrd quoting (`>` before every line that
 * matches `>*From `), a blank line after. `raw` is CRLF; the entry is LF.
 */
export function mboxEntry(raw: Buffer, sender: string, date: Date, flags: readonly string[]): Buffer {
  const text = crlfToLf(raw).toString('latin1');
  const quoted = text.replace(/^(>*From )/gm, '>$1');
  const body = quoted.endsWith('\n') ? quoted : `${quoted}\n`;
  return Buffer.from(`${mboxFromLine(sender, date)}\n${mboxStatusHeaders(flags)}${body}\n`, 'latin1');
}

function finishEntry(lines: Buffer[], fromLine: string, endOffset: number, ownStatus: boolean): MboxEntry {
  // The blank line before the next `From ` belongs to the separator, not the message.
  if (lines.length > 0 && lines[lines.length - 1]!.length === 1) lines.pop();
  let text = Buffer.concat(lines).toString('latin1').replace(/^>(>*From )/gm, '$1');
  const headerEnd = text.search(/\n\n|^\n/m);
  const header = headerEnd >= 0 ? text.slice(0, headerEnd + 1) : text;
  const flags = mboxStatusFlags(header);
  if (ownStatus) text = header.replace(OWN_STATUS_FIELDS, '') + text.slice(header.length);
  return { raw: lfToCrlf(Buffer.from(text, 'latin1')), fromLine, internalDate: mboxFromLineDate(fromLine), flags, endOffset };
}

/**
 * Splits an mbox stream into messages, holding one message in memory at a time. `startOffset`
 * is where the stream begins in the file (a resumed import), so `endOffset` stays absolute.
 * A message larger than `maxMessageSize` throws, naming its position.
 * `ownStatus` removes Status/X-Status/X-Keywords after reading them (they describe the
 * message in the file, not the message), as Dovecot's mbox storage hides them.
 */
export async function* readMbox(
  chunks: AsyncIterable<Buffer>,
  options: { maxMessageSize: number; startOffset?: number; ownStatus?: boolean },
): AsyncGenerator<MboxEntry> {
  let offset = options.startOffset ?? 0;
  let pending: Buffer = Buffer.alloc(0);
  let fromLine: string | undefined;
  let lines: Buffer[] = [];
  let size = 0;
  let previousBlank = true;
  const takeLine = function* (line: Buffer, lineEnd: number): Generator<MboxEntry> {
    const isSeparator = previousBlank && line.length >= 5 && line.subarray(0, 5).toString('latin1') === 'From ' && FROM_LINE.test(line.toString('latin1'));
    if (isSeparator) {
      if (fromLine !== undefined) yield finishEntry(lines, fromLine, lineEnd - line.length, options.ownStatus ?? true);
      fromLine = line.toString('latin1').replace(/\r?\n$/, '');
      lines = [];
      size = 0;
    } else if (fromLine !== undefined) {
      lines.push(line);
      size += line.length;
      if (size > options.maxMessageSize) throw new MailboxFileError(`the message after byte ${lineEnd - size} is larger than ${options.maxMessageSize} bytes`);
    } else if (line.toString('latin1').trim() !== '') {
      throw new MailboxFileError('this is not an mbox file: it does not begin with a "From " line');
    }
    previousBlank = line.length === 1 || (line.length === 2 && line[0] === 0x0d);
  };
  for await (const chunk of chunks) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let start = 0;
    for (let nl = pending.indexOf(0x0a, start); nl >= 0; nl = pending.indexOf(0x0a, start)) {
      const line = pending.subarray(start, nl + 1);
      offset += line.length;
      yield* takeLine(Buffer.from(line), offset);
      start = nl + 1;
    }
    pending = pending.subarray(start);
    if (pending.length > options.maxMessageSize + 1024) throw new MailboxFileError(`a line longer than ${options.maxMessageSize} bytes at byte ${offset}`);
  }
  if (pending.length) {
    offset += pending.length;
    yield* takeLine(Buffer.concat([pending, Buffer.from('\n')]), offset);
  }
  if (fromLine !== undefined) yield finishEntry(lines, fromLine, offset, options.ownStatus ?? true);
}

// --- Maildir++ ---

const MAILDIR_FLAGS: [string, string][] = [
  ['D', '\\Draft'],
  ['F', '\\Flagged'],
  ['R', '\\Answered'],
  ['S', '\\Seen'],
  ['T', '\\Deleted'],
];

/** `dovecot-keywords` ("0 $Label1" per line) -> letter -> keyword (a = 0 ... z = 25). */
export function parseDovecotKeywords(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\S+)/.exec(line.trim());
    if (m && Number(m[1]) < 26) map.set(String.fromCharCode(97 + Number(m[1])), m[2]!);
  }
  return map;
}

/** Flags of a Maildir file name (`...:2,FRS` plus keyword letters); `:2,` may also be `!2,` (Windows-safe). */
export function maildirFileFlags(fileName: string, keywords: Map<string, string>): string[] {
  const m = /[:!]2,([A-Za-z]*)$/.exec(fileName);
  if (!m) return [];
  const flags: string[] = [];
  for (const letter of m[1]!) {
    const system = MAILDIR_FLAGS.find(([l]) => l === letter)?.[1];
    if (system) flags.push(system);
    else if (keywords.has(letter)) flags.push(keywords.get(letter)!);
  }
  return flags;
}

/**
 * The info suffix for flags (system letters in ASCII order, then keyword letters), adding
 * unseen keywords to `keywords` (at most 26, Dovecot's limit; later ones are not written).
 */
export function maildirInfo(flags: readonly string[], keywords: string[]): string {
  let letters = '';
  for (const [letter, flag] of MAILDIR_FLAGS) if (flags.includes(flag)) letters += letter;
  const own: string[] = [];
  for (const f of flags) {
    if (f.startsWith('\\')) continue;
    let i = keywords.indexOf(f);
    if (i < 0 && keywords.length < 26) i = keywords.push(f) - 1;
    if (i >= 0) own.push(String.fromCharCode(97 + i));
  }
  return `:2,${letters}${own.sort().join('')}`;
}

/** Maildir++ folder directory name (`.Archive.2024`) -> mailbox name (`Archive/2024`); '' for the root (INBOX). */
export function maildirFolderName(dir: string, delimiter: string): string {
  return dir.replace(/^\./, '').split('.').join(delimiter);
}

/** Mailbox name -> Maildir++ folder directory (INBOX is the root, ''). */
export function maildirFolderDir(name: string, delimiter: string): string {
  return name.toUpperCase() === 'INBOX' ? '' : `.${name.split(delimiter).join('.')}`;
}
