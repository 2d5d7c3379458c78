import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePartId, sectionBytes } from '../section';
import type { BodyPart, ParsedMessage, SectionKind } from '../types';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

export function corpusNames(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.eml'))
    .sort();
}

export function fixture(name: string): Buffer {
  return readFileSync(`${CORPUS_DIR}${name}`);
}

/** Compact structure: `partId=type/subtype`, children in (), an embedded message in {}. */
export function shape(p: BodyPart): string {
  let s = `${p.partId}=${p.type}/${p.subtype}`;
  if (p.children.length > 0) s += `(${p.children.map(shape).join(',')})`;
  if (p.message) s += `{${shape(p.message.body)}}`;
  return s;
}

/**
 * Every node with whether its partId addresses it: the multipart root of a message shares
 * its number with the message (or is '' at the top), so BODY[n] means the message part.
 */
export function allParts(root: BodyPart): { part: BodyPart; addressable: boolean }[] {
  const out: { part: BodyPart; addressable: boolean }[] = [];
  const stack: { part: BodyPart; messageRoot: boolean }[] = [{ part: root, messageRoot: true }];
  while (stack.length > 0) {
    const { part, messageRoot } = stack.pop()!;
    out.push({ part, addressable: !(messageRoot && part.type === 'multipart') });
    for (const c of part.children) stack.push({ part: c, messageRoot: false });
    if (part.message) stack.push({ part: part.message.body, messageRoot: true });
  }
  return out;
}

export function findPart(root: BodyPart, partId: string): BodyPart {
  const hit = allParts(root).find((p) => p.addressable && p.part.partId === partId);
  if (!hit) throw new Error(`no part ${partId}`);
  return hit.part;
}

export function section(raw: Buffer, m: ParsedMessage, spec: string, kind: SectionKind = 'ALL', fields?: string[]): string {
  const path = parsePartId(spec);
  if (path === null) throw new Error(`bad part ${spec}`);
  return sectionBytes(raw, m, { part: path, kind, ...(fields ? { fields } : {}) }).toString('latin1');
}

/** Offsets problems of a parsed tree, [] when consistent. */
export function offsetProblems(raw: Buffer, root: BodyPart): string[] {
  const problems: string[] = [];
  for (const { part: p } of allParts(root)) {
    const at = `part '${p.partId}' ${p.type}/${p.subtype}`;
    if (!(p.headerStart >= 0 && p.headerStart <= p.bodyStart && p.bodyStart <= p.bodyEnd && p.bodyEnd <= raw.length)) {
      problems.push(`${at}: ${p.headerStart}/${p.bodyStart}/${p.bodyEnd} of ${raw.length}`);
    }
    if (p.size !== p.bodyEnd - p.bodyStart) problems.push(`${at}: size ${p.size}`);
    let prev = p.bodyStart;
    for (const c of p.children) {
      if (c.headerStart < prev || c.bodyEnd > p.bodyEnd) problems.push(`${at}: child ${c.partId} outside or overlapping`);
      prev = c.bodyEnd;
    }
    if (p.message && (p.message.body.headerStart !== p.bodyStart || p.message.body.bodyEnd !== p.bodyEnd)) {
      problems.push(`${at}: embedded message does not cover the body`);
    }
  }
  return problems;
}
