import type { Section, SectionKind } from '@mailstead/mime';
import { SyntaxError, type ArgNode } from './command-reader';

export type FetchItem =
  | { type: 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' }
  /** RFC 7162 3.1.4; EMAILID/THREADID RFC 8474 5; PREVIEW RFC 8970 */
  | { type: 'MODSEQ' | 'EMAILID' | 'THREADID' | 'PREVIEW' }
  | { type: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  /** RFC 3516: BINARY[part]<partial>, BINARY.PEEK[...], BINARY.SIZE[part] (content-transfer-decoded) */
  | { type: 'binary'; peek: boolean; size: boolean; part: number[]; label: string; partial?: { start: number; length: number } }
  | {
      type: 'section';
      peek: boolean;
      section: Section;
      /** the section text as the response echoes it, e.g. "HEADER.FIELDS (DATE FROM)" */
      label: string;
      partial?: { start: number; length: number };
    };

const SIMPLE = new Set(['MODSEQ', 'EMAILID', 'THREADID', 'PREVIEW', 'UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

/** RFC 3501 6.4.5 `section-spec` inside the brackets. */
export function parseSection(text: string): { section: Section; label: string } {
  const m = /^((?:[1-9]\d{0,8})(?:\.[1-9]\d{0,8})*)?(?:^|\.)?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?(?: \(([^()]*)\))?$/i.exec(text);
  if (!m) throw new SyntaxError(`Invalid section ${text.slice(0, 40)}`);
  const part = m[1] ? m[1].split('.').map(Number) : [];
  if (m[1] && m[2] && text[m[1].length] !== '.') throw new SyntaxError('Invalid section');
  const kind = (m[2]?.toUpperCase() ?? 'ALL') as SectionKind;
  if (kind === 'MIME' && part.length === 0) throw new SyntaxError('MIME needs a part number');
  const fieldsWanted = kind === 'HEADER.FIELDS' || kind === 'HEADER.FIELDS.NOT';
  if (fieldsWanted !== (m[3] !== undefined)) throw new SyntaxError('Invalid header field list');
  const fields = fieldsWanted
    ? m[3]!
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((f) => f.replace(/^"(.*)"$/, '$1'))
    : undefined;
  if (fields && (fields.length === 0 || fields.some((f) => !/^[\x21-\x39\x3b-\x7e]+$/.test(f)))) throw new SyntaxError('Invalid header field name');
  const label = [m[1], kind === 'ALL' ? undefined : kind].filter(Boolean).join('.') + (fields ? ` (${fields.join(' ')})` : '');
  return { section: { part, kind, fields }, label };
}

function parseItem(text: string): FetchItem {
  const upper = text.toUpperCase();
  if (SIMPLE.has(upper)) return { type: upper as 'UID' };
  const bin = /^(BINARY|BINARY\.PEEK|BINARY\.SIZE)\[((?:[1-9]\d{0,8})(?:\.[1-9]\d{0,8})*)?\](?:<(\d{1,10})\.(\d{1,10})>)?$/i.exec(text);
  if (bin) {
    const kind = bin[1]!.toUpperCase();
    const partial = bin[3] !== undefined ? { start: Number(bin[3]), length: Number(bin[4]) } : undefined;
    if (partial && (kind === 'BINARY.SIZE' || partial.length === 0)) throw new SyntaxError('Invalid BINARY partial');
    return { type: 'binary', peek: kind !== 'BINARY', size: kind === 'BINARY.SIZE', part: bin[2] ? bin[2].split('.').map(Number) : [], label: bin[2] ?? '', partial };
  }
  const m = /^(BODY|BODY\.PEEK)\[(.*)\](?:<(\d{1,10})\.(\d{1,10})>)?$/is.exec(text);
  if (!m) throw new SyntaxError(`Unknown fetch item ${text.slice(0, 40)}`);
  const { section, label } = parseSection(m[2]!);
  const partial = m[3] !== undefined ? { start: Number(m[3]), length: Number(m[4]) } : undefined;
  if (partial && partial.length === 0) throw new SyntaxError('Partial length must be positive');
  return { type: 'section', peek: m[1]!.toUpperCase() === 'BODY.PEEK', section, label, partial };
}

/** The fetch attributes of a FETCH command: a macro, one item, or a list of items. */
export function parseFetchItems(node: ArgNode): FetchItem[] {
  if (node.kind === 'atom') {
    const macro = MACROS[node.value.toUpperCase()];
    if (macro) return macro.map(parseItem);
    return [parseItem(node.value)];
  }
  if (node.kind === 'list' && node.items.length > 0) {
    const out: FetchItem[] = [];
    for (const [i, n] of node.items.entries()) {
      const previous = out[out.length - 1];
      // RFC 8970 3.1: PREVIEW may carry modifiers; LAZY is the only one (we always have previews).
      if (n.kind === 'list' && previous?.type === 'PREVIEW' && node.items[i - 1]?.kind === 'atom') {
        if (n.items.some((m) => m.kind !== 'atom' || m.value.toUpperCase() !== 'LAZY')) throw new SyntaxError('Unknown PREVIEW modifier');
        continue;
      }
      if (n.kind !== 'atom') throw new SyntaxError('Expected a fetch item');
      out.push(parseItem(n.value));
    }
    return out;
  }
  throw new SyntaxError('Expected fetch items');
}
