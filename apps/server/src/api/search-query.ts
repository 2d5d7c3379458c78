/** A parsed webmail search: free text plus operators. */
export interface ParsedSearch {
  text: string[];
  from: string[];
  to: string[];
  subject: string[];
  hasAttachment?: boolean;
  before?: Date;
  after?: Date;
}

export class SearchSyntaxError extends Error {}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(value: string, operator: string): Date {
  const m = DATE.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) throw new SearchSyntaxError(`${operator}: needs a date like 2026-11-22`);
  return date;
}

/** Splits on white space, keeping "quoted phrases" (also after an operator: subject:"two words") together. */
export function tokenize(q: string): string[] {
  const tokens: string[] = [];
  const re = /(\S*?)"([^"]*)"|(\S+)/g;
  for (const m of q.matchAll(re)) tokens.push(m[3] ?? `${m[1] ?? ''}${m[2] ?? ''}`);
  return tokens.filter((t) => t.length > 0);
}

/**
 * The search box language: words (full text, all must match), from:, to: (also Cc),
 * subject:, has:attachment, before:/after: YYYY-MM-DD (before is exclusive, after inclusive).
 */
export function parseSearch(q: string): ParsedSearch {
  const out: ParsedSearch = { text: [], from: [], to: [], subject: [] };
  for (const token of tokenize(q)) {
    const m = /^(from|to|subject|has|before|after):(.*)$/i.exec(token);
    if (!m) {
      out.text.push(token);
      continue;
    }
    const operator = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (value === '') throw new SearchSyntaxError(`${operator}: needs a value`);
    switch (operator) {
      case 'from':
        out.from.push(value);
        break;
      case 'to':
        out.to.push(value);
        break;
      case 'subject':
        out.subject.push(value);
        break;
      case 'has':
        if (!/^attachments?$/i.test(value)) throw new SearchSyntaxError('has: only knows has:attachment');
        out.hasAttachment = true;
        break;
      case 'before':
        out.before = parseDate(value, operator);
        break;
      case 'after':
        out.after = parseDate(value, operator);
        break;
    }
  }
  return out;
}
