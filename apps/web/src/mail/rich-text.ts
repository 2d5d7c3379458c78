import DOMPurify from 'dompurify';
import { isComposedLink, sanitizeComposedHtml } from '@mailstead/html-policy';

/** Sanitizes the editor's HTML for sending: libs/html-policy's composed profile (a strict allowlist). */
export function sanitizeComposeHtml(html: string): string {
  return sanitizeComposedHtml(DOMPurify(), html);
}

/** A URL typed into the link dialog, or null when it is not one we would link to. */
export function normalizeLink(input: string): string | null {
  const value = input.trim();
  if (!value) return null;
  if (isComposedLink(value)) return value;
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(value)) return `mailto:${value}`;
  if (/^[\w-]+(\.[\w-]+)+([/?#]\S*)?$/.test(value)) return `https://${value}`;
  return null;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Plain text as editor HTML: one line per line, "> " quoted runs as nested blockquotes (the
 * reverse of htmlToText), so switching from plain to rich keeps a reply's quote a quote.
 */
export function textToHtml(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let depth = 0;
  for (const line of lines) {
    const m = /^((?:> ?)*)(.*)$/.exec(line)!;
    const level = (m[1]!.match(/>/g) ?? []).length;
    while (depth < level) {
      out.push('<blockquote type="cite">');
      depth++;
    }
    while (depth > level) {
      out.push('</blockquote>');
      depth--;
    }
    out.push(`<div>${m[2] ? escapeHtml(m[2]) : '<br>'}</div>`);
  }
  while (depth-- > 0) out.push('</blockquote>');
  return out.join('');
}

const BLOCK = new Set(['P', 'DIV', 'H1', 'H2', 'H3', 'H4', 'PRE', 'TABLE', 'TR', 'UL', 'OL', 'HR']);

/**
 * The text/plain alternative of the editor's HTML: paragraphs and line breaks kept, list items
 * as "- " / "1. ", blockquotes as "> " lines (RFC 3676 style), links as "text <url>".
 */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const lines: string[] = [];
  let current = '';
  const newline = () => {
    lines.push(current);
    current = '';
  };
  const blockBreak = () => {
    if (current !== '') newline();
  };
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      // Editors write typed spaces next to tags as no-break spaces; text/plain wants plain ones.
      current += (node.textContent ?? '').replace(/[\r\n]+/g, ' ').replace(/\u00a0/g, ' ');
      return;
    }
    if (!(node instanceof Element)) return;
    const tag = node.tagName;
    if (tag === 'BR') return newline();
    if (tag === 'HR') {
      blockBreak();
      current = '----';
      return newline();
    }
    if (tag === 'BLOCKQUOTE') {
      blockBreak();
      const inner = htmlToText(node.innerHTML);
      for (const line of inner.split('\n')) lines.push(line.startsWith('>') ? `>${line}` : line === '' ? '>' : `> ${line}`);
      return;
    }
    if (tag === 'UL' || tag === 'OL') {
      blockBreak();
      let n = 0;
      for (const li of Array.from(node.children)) {
        if (li.tagName !== 'LI') continue;
        n++;
        const inner = htmlToText(li.innerHTML).split('\n');
        const bullet = tag === 'OL' ? `${n}. ` : '- ';
        inner.forEach((line, i) => lines.push(i === 0 ? `${bullet}${line}` : `${' '.repeat(bullet.length)}${line}`));
      }
      return;
    }
    if (tag === 'A') {
      const href = node.getAttribute('href') ?? '';
      const label = node.textContent ?? '';
      node.childNodes.forEach(walk);
      const target = href.replace(/^mailto:/i, '');
      if (href && target !== label.trim()) current += ` <${target}>`;
      return;
    }
    const block = BLOCK.has(tag) || tag === 'LI';
    if (block) blockBreak();
    node.childNodes.forEach(walk);
    if (tag === 'TD' || tag === 'TH') current += '\t';
    if (block) blockBreak();
  };
  doc.body.childNodes.forEach(walk);
  if (current !== '') lines.push(current);
  return lines
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}

/** The editor has nothing worth sending (only empty blocks and line breaks). */
export function isBlankHtml(html: string): boolean {
  return htmlToText(html).trim() === '';
}
