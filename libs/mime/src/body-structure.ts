import { countLines, CR, isAscii, isWsp, LF } from './bytes';
import { buildEnvelope } from './envelope';
import { firstValue, readFields, splitHeader } from './header';
import type { RawField } from './header';
import { LIMITS } from './limits';
import { parseStructured } from './params';
import type { BodyPart, HeaderField } from './types';

interface Walk {
  raw: Buffer;
  parts: number;
}

interface EntityOptions {
  /** the part number, or for a message root the number of its message part ('' at the top) */
  id: string;
  messageRoot: boolean;
  depth: number;
  /** RFC 2046 5.1.5: parts of multipart/digest default to message/rfc822 */
  digest: boolean;
}

const TOKEN = /^[a-z0-9!#$%&'*+.^_`{|}~-]+$/;
const IDENTITY = new Set(['7bit', '8bit', 'binary']);

/** BODYSTRUCTURE source for the message in `raw`: byte-exact offsets, recursion capped. */
export function parseBodyStructure(raw: Buffer): { body: BodyPart; fields: HeaderField[] } {
  return parseEntity({ raw, parts: 0 }, 0, raw.length, { id: '', messageRoot: true, depth: 0, digest: false });
}

function childId(parent: string, n: number): string {
  return parent === '' ? String(n) : `${parent}.${n}`;
}

function parseEntity(walk: Walk, start: number, end: number, opts: EntityOptions): { body: BodyPart; fields: HeaderField[] } {
  const { raw } = walk;
  walk.parts++;
  const { headerEnd, bodyStart } = splitHeader(raw, start, end);
  const fields = readFields(raw, start, headerEnd);
  const part = describe(raw, fields, start, bodyStart, end, opts.digest);

  let ranges: [number, number][] = [];
  if (part.type === 'multipart') {
    const boundary = boundaryBytes(raw, fields, part.params['boundary']);
    const budget = LIMITS.maxParts - walk.parts;
    if (boundary && opts.depth < LIMITS.maxDepth && budget > 0) ranges = splitMultipart(raw, bodyStart, end, boundary, budget);
    // A multipart we cannot split (no boundary, no delimiter line, too deep) is read as one
    // text part: BODYSTRUCTURE needs at least one child, and its text stays searchable.
    if (ranges.length === 0) {
      part.type = 'text';
      part.subtype = 'plain';
      part.lines = countLines(raw, bodyStart, end);
    }
  }

  part.partId = opts.messageRoot && part.type !== 'multipart' ? childId(opts.id, 1) : opts.id;
  const digest = part.type === 'multipart' && part.subtype === 'digest';
  part.children = ranges.map(
    ([s, e], i) => parseEntity(walk, s, e, { id: childId(part.partId, i + 1), messageRoot: false, depth: opts.depth + 1, digest }).body,
  );

  // RFC 2046 5.2.1: message/rfc822 is never encoded; an encoded one stays an opaque leaf.
  const embeds = part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global');
  if (embeds && IDENTITY.has(part.encoding) && opts.depth < LIMITS.maxDepth && walk.parts < LIMITS.maxParts) {
    const inner = parseEntity(walk, bodyStart, end, { id: part.partId, messageRoot: true, depth: opts.depth + 1, digest: false });
    part.message = { envelope: buildEnvelope(inner.fields), body: inner.body };
  }
  return { body: part, fields };
}

function describe(raw: Buffer, fields: HeaderField[], headerStart: number, bodyStart: number, bodyEnd: number, digest: boolean): BodyPart {
  const ct = firstValue(fields, 'content-type');
  let type = digest ? 'message' : 'text';
  let subtype = digest ? 'rfc822' : 'plain';
  let params: Record<string, string> = digest ? {} : { charset: 'us-ascii' };
  if (ct !== null) {
    const parsed = parseStructured(ct);
    const slash = parsed.value.indexOf('/');
    const t = parsed.value.slice(0, slash).trim().toLowerCase();
    const s = parsed.value.slice(slash + 1).trim().toLowerCase();
    // RFC 2045 5.2: an invalid Content-Type means the default one.
    if (slash > 0 && TOKEN.test(t) && TOKEN.test(s)) {
      type = t;
      subtype = s;
      params = parsed.params;
    }
  }
  const cte = (firstValue(fields, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  const encoding = cte.split(/[\s;(]/, 1)[0] || '7bit';

  const dispValue = firstValue(fields, 'content-disposition');
  let disposition: BodyPart['disposition'] = null;
  if (dispValue !== null) {
    const parsed = parseStructured(dispValue);
    const dtype = parsed.value.toLowerCase();
    if (dtype !== '') disposition = { type: dtype, params: parsed.params };
  }
  const lang = firstValue(fields, 'content-language');
  const language = lang === null ? [] : lang.split(',').map((l) => l.trim()).filter((l) => l !== '');

  return {
    partId: '',
    type,
    subtype,
    params,
    id: firstValue(fields, 'content-id'),
    description: firstValue(fields, 'content-description'),
    encoding,
    size: bodyEnd - bodyStart,
    lines: type === 'text' || type === 'message' ? countLines(raw, bodyStart, bodyEnd) : null,
    md5: firstValue(fields, 'content-md5'),
    disposition,
    language: language.length > 0 ? language : null,
    location: firstValue(fields, 'content-location'),
    headerStart,
    bodyStart,
    bodyEnd,
    children: [],
  };
}

/** The boundary as the bytes that appear on delimiter lines (8-bit boundaries round-trip). */
function boundaryBytes(raw: Buffer, fields: (HeaderField & { field: RawField })[], decoded: string | undefined): Buffer | null {
  if (decoded === undefined || decoded === '') return null;
  const ct = fields.find((f) => f.key === 'content-type');
  if (!ct) return null;
  const valueBytes = raw.subarray(ct.field.valueStart, ct.field.end);
  if (isAscii(valueBytes)) return Buffer.from(decoded, 'latin1');
  const latin = parseStructured(valueBytes.toString('latin1').replace(/\r?\n/g, '')).params['boundary'];
  return latin ? Buffer.from(latin, 'latin1') : null;
}

/**
 * RFC 2046 5.1.1: body parts between delimiter lines `--boundary` (close: `--boundary--`),
 * optionally followed by linear white space. The line break before a delimiter belongs to
 * the delimiter, so a part ends before it. Content before the first delimiter is preamble,
 * after the close delimiter epilogue. A missing close delimiter lets the last part run to
 * the end. Returns absolute [start, end) ranges, at most `max`.
 */
export function splitMultipart(raw: Buffer, start: number, end: number, boundary: Buffer, max: number): [number, number][] {
  const body = raw.subarray(start, end);
  const delimiter = Buffer.concat([Buffer.from('--'), boundary]);
  const ranges: [number, number][] = [];
  let open = -1;
  let pos = 0;
  while (ranges.length < max) {
    const at = body.indexOf(delimiter, pos);
    if (at < 0) break;
    pos = at + 1;
    if (at > 0 && body[at - 1] !== LF) continue;
    let j = at + delimiter.length;
    let close = false;
    if (body[j] === 0x2d && body[j + 1] === 0x2d) {
      close = true;
      j += 2;
    }
    while (j < body.length && isWsp(body[j])) j++;
    let lineEnd: number;
    if (j >= body.length) lineEnd = body.length;
    else if (body[j] === LF) lineEnd = j + 1;
    else if (body[j] === CR && (j + 1 === body.length || body[j + 1] === LF)) lineEnd = Math.min(j + 2, body.length);
    else continue;

    if (open >= 0) {
      let partEnd = at;
      if (partEnd > open && body[partEnd - 1] === LF) partEnd--;
      if (partEnd > open && body[partEnd - 1] === CR) partEnd--;
      ranges.push([start + open, start + partEnd]);
    }
    if (close) {
      open = -1;
      break;
    }
    open = lineEnd;
    pos = lineEnd;
  }
  if (open >= 0 && ranges.length < max) ranges.push([start + open, end]);
  return ranges;
}
