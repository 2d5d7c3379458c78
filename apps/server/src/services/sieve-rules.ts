import { mailRule, vacationSettings, type MailRule, type RuleAction, type RuleCondition, type RuleEntry, type VacationSettings } from '@mailstead/contracts';

/**
 * The webmail's rules <-> Sieve codec. Rules and the vacation reply become Sieve blocks with a
 * recognisable shape: a marker comment (`# rule: {"name":...,"enabled":true}`, `# vacation:
 * {...}`) above an `if` block this codec writes. Reading a script finds those blocks again; any
 * other part of the script (hand-written Sieve, another client's rules, a marker whose block was
 * edited into something the rules view cannot show) is kept as a raw block in its place, with
 * its comments, so saving rules never loses what the user wrote. A disabled rule is kept as
 * `if allof (false, <its test>)`: still compiled, never true.
 */

export interface ParsedRules {
  entries: RuleEntry[];
  vacation: VacationSettings | null;
  /** Extensions the script requires that its recognised blocks do not need (raw blocks may). */
  extensions: string[];
}

export const HEADER_COMMENT = "# Mailstead mail rules. The webmail's Rules and Vacation pages edit the blocks under \"# rule:\" and \"# vacation:\"; the rest is kept as written.";

// ---------------------------------------------------------------- lexer (RFC 5228 2.2-2.4)

type Token =
  | { t: 'id'; v: string; start: number; end: number }
  | { t: 'tag'; v: string; start: number; end: number }
  | { t: 'num'; v: number; unit: string; start: number; end: number }
  | { t: 'str'; v: string; start: number; end: number }
  | { t: 'punct'; v: string; start: number; end: number }
  | { t: 'comment'; v: string; start: number; end: number };

class SyntaxProblem extends Error {}

function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '#') {
      const nl = src.indexOf('\n', i);
      const end = nl < 0 ? src.length : nl;
      tokens.push({ t: 'comment', v: src.slice(i, end).replace(/\r$/, ''), start: i, end: src[end - 1] === '\r' ? end - 1 : end });
      i = end;
    } else if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw new SyntaxProblem('unterminated comment');
      tokens.push({ t: 'comment', v: src.slice(i, close + 2), start: i, end: close + 2 });
      i = close + 2;
    } else if (c === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= src.length) throw new SyntaxProblem('unterminated string');
        const d = src[j]!;
        if (d === '"') break;
        // RFC 5228 2.4.2: a backslash quotes the next character ("\\" and "\"" matter)
        if (d === '\\') {
          j++;
          if (j >= src.length) throw new SyntaxProblem('unterminated string');
        }
        value += src[j];
        j++;
      }
      tokens.push({ t: 'str', v: value.replace(/\r\n/g, '\n'), start: i, end: j + 1 });
      i = j + 1;
    } else if (src.startsWith('text:', i)) {
      // RFC 5228 2.4.2: text: [comment] CRLF, lines, "." CRLF; a line starting with "." is dot-stuffed
      const nl = src.indexOf('\n', i);
      if (nl < 0) throw new SyntaxProblem('unterminated text: string');
      const lines: string[] = [];
      let j = nl + 1;
      for (;;) {
        if (j >= src.length) throw new SyntaxProblem('unterminated text: string');
        const next = src.indexOf('\n', j);
        const lineEnd = next < 0 ? src.length : next;
        const text = src.slice(j, lineEnd).replace(/\r$/, '');
        j = next < 0 ? src.length : next + 1;
        if (text === '.') break;
        lines.push(text.startsWith('..') ? text.slice(1) : text);
      }
      tokens.push({ t: 'str', v: lines.length > 0 ? `${lines.join('\n')}\n` : '', start: i, end: j });
      i = j;
    } else if (c === ':') {
      const m = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i, i + 200));
      if (!m) throw new SyntaxProblem('bad tag');
      tokens.push({ t: 'tag', v: m[1]!.toLowerCase(), start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^([0-9]+)([KkMmGg]?)/.exec(src.slice(i, i + 40))!;
      tokens.push({ t: 'num', v: Number(m[1]), unit: m[2]!.toUpperCase(), start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200))!;
      tokens.push({ t: 'id', v: m[0].toLowerCase(), start: i, end: i + m[0].length });
      i += m[0].length;
    } else if ('[](),;{}'.includes(c)) {
      tokens.push({ t: 'punct', v: c, start: i, end: i + 1 });
      i++;
    } else {
      throw new SyntaxProblem(`unexpected character ${JSON.stringify(c)}`);
    }
  }
  return tokens;
}

// ---------------------------------------------------------------- parser (RFC 5228 8.2)

type Arg = { kind: 'tag'; name: string } | { kind: 'num'; value: number; unit: string } | { kind: 'str'; values: string[]; list: boolean };
interface Test {
  name: string;
  args: Arg[];
  tests: Test[];
  /** The tests came in a parenthesised test-list. */
  list: boolean;
}
interface Command {
  name: string;
  args: Arg[];
  tests: Test[];
  block: Command[] | null;
}

class Parser {
  pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private punct(v: string): boolean {
    const t = this.peek();
    if (t?.t === 'punct' && t.v === v) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(v: string): void {
    if (!this.punct(v)) throw new SyntaxProblem(`expected "${v}"`);
  }

  private args(): Arg[] {
    const out: Arg[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) return out;
      if (t.t === 'tag') {
        out.push({ kind: 'tag', name: t.v });
        this.pos++;
      } else if (t.t === 'num') {
        out.push({ kind: 'num', value: t.v, unit: t.unit });
        this.pos++;
      } else if (t.t === 'str') {
        out.push({ kind: 'str', values: [t.v], list: false });
        this.pos++;
      } else if (t.t === 'punct' && t.v === '[') {
        this.pos++;
        const values: string[] = [];
        for (;;) {
          const s = this.peek();
          if (s?.t !== 'str') throw new SyntaxProblem('expected a string in a string list');
          values.push(s.v);
          this.pos++;
          if (this.punct(']')) break;
          this.expect(',');
        }
        out.push({ kind: 'str', values, list: true });
      } else {
        return out;
      }
    }
  }

  test(): Test {
    const t = this.peek();
    if (t?.t !== 'id') throw new SyntaxProblem('expected a test');
    this.pos++;
    const args = this.args();
    if (this.punct('(')) {
      const tests = [this.test()];
      while (this.punct(',')) tests.push(this.test());
      this.expect(')');
      return { name: t.v, args, tests, list: true };
    }
    if (this.peek()?.t === 'id') return { name: t.v, args, tests: [this.test()], list: false };
    return { name: t.v, args, tests: [], list: false };
  }

  command(): Command {
    const t = this.peek();
    if (t?.t !== 'id') throw new SyntaxProblem('expected a command');
    this.pos++;
    const args = this.args();
    let tests: Test[] = [];
    if (this.punct('(')) {
      tests = [this.test()];
      while (this.punct(',')) tests.push(this.test());
      this.expect(')');
    } else if (this.peek()?.t === 'id') {
      tests = [this.test()];
    }
    if (this.punct(';')) return { name: t.v, args, tests, block: null };
    this.expect('{');
    const block: Command[] = [];
    while (!this.punct('}')) {
      if (!this.peek()) throw new SyntaxProblem('expected "}"');
      block.push(this.command());
    }
    return { name: t.v, args, tests, block };
  }
}

// ---------------------------------------------------------------- segments

interface Segment {
  comments: Token[];
  /** The statement's tokens (an if with its elsif/else), empty for trailing comments. */
  commands: Command[];
  start: number;
  end: number;
  commandStart: number;
}

/** Top-level statements with the comments before each (comments inside a block stay with it). */
function segments(src: string, tokens: Token[]): Segment[] {
  const out: Segment[] = [];
  const code = tokens.filter((t) => t.t !== 'comment');
  const comments = tokens.filter((t) => t.t === 'comment');
  const parser = new Parser(code);
  let c = 0;
  while (parser.peek()) {
    const first = parser.peek()!;
    const lead: Token[] = [];
    while (c < comments.length && comments[c]!.start < first.start) lead.push(comments[c++]!);
    const commands = [parser.command()];
    if (commands[0]!.name === 'if') {
      for (let next = parser.peek(); next?.t === 'id' && (next.v === 'elsif' || next.v === 'else'); next = parser.peek()) {
        commands.push(parser.command());
        if (next.v === 'else') break;
      }
    }
    const end = code[parser.pos - 1]!.end;
    // comments inside the statement belong to it
    while (c < comments.length && comments[c]!.start < end) c++;
    out.push({ comments: lead, commands, start: lead[0]?.start ?? first.start, end, commandStart: first.start });
  }
  if (c < comments.length) {
    const rest = comments.slice(c);
    out.push({ comments: rest, commands: [], start: rest[0]!.start, end: src.length, commandStart: src.length });
  }
  return out;
}

// ---------------------------------------------------------------- writing Sieve

/**
 * A Sieve quoted string: `\\` and `\"` escaped (RFC 5228 2.4.2). Line breaks stay in it as
 * they are (a quoted string may span lines), so every value comes back exactly; a `text:`
 * string would add a final line break.
 */
export function sieveString(value: string): string {
  return `"${value.replace(/\r\n?/g, '\n').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function conditionSieve(c: RuleCondition): string {
  const not = (negate: boolean, test: string) => (negate ? `not ${test}` : test);
  switch (c.field) {
    case 'from':
      return not(c.negate, `address :${c.match} "from" ${sieveString(c.value)}`);
    case 'to':
      return not(c.negate, `address :${c.match} ["to", "cc"] ${sieveString(c.value)}`);
    case 'subject':
      return not(c.negate, `header :${c.match} "subject" ${sieveString(c.value)}`);
    case 'listId':
      return not(c.negate, `header :${c.match} "list-id" ${sieveString(c.value)}`);
    case 'header':
      return not(c.negate, `header :${c.match} ${sieveString(c.header)} ${sieveString(c.value)}`);
    case 'size':
      return `size :${c.comparison} ${c.kilobytes}K`;
    case 'hasAttachment':
      return not(c.negate, 'header :contains "content-type" "multipart/mixed"');
    case 'spamScore':
      // RFC 5235 3.2: the score scaled to 0-10, compared as a number
      return `spamtest :value "gt" :comparator "i;ascii-numeric" "${c.score}"`;
  }
}

const FLAG_ACTIONS = new Set<RuleAction['type']>(['markRead', 'flag', 'addKeyword']);

/**
 * Actions in the order the script runs them: flags first (RFC 5232 3: a fileinto takes the flags
 * set before it), stop last; the others keep their order.
 */
export function canonicalActions(actions: RuleAction[]): RuleAction[] {
  const rank = (a: RuleAction) => (FLAG_ACTIONS.has(a.type) ? 0 : a.type === 'stop' ? 2 : 1);
  return actions.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i).map((x) => x.a);
}

function actionSieve(a: RuleAction): string {
  switch (a.type) {
    case 'move':
      return `fileinto ${sieveString(a.mailbox)};`;
    case 'copy':
      return `fileinto :copy ${sieveString(a.mailbox)};`;
    case 'markRead':
      return 'addflag "\\\\Seen";';
    case 'flag':
      return 'addflag "\\\\Flagged";';
    case 'addKeyword':
      return `addflag ${sieveString(a.keyword)};`;
    case 'forward':
      return a.keepCopy ? `redirect :copy ${sieveString(a.address)};` : `redirect ${sieveString(a.address)};`;
    case 'reject':
      return `reject ${sieveString(a.reason)};`;
    case 'discard':
      return 'discard;';
    case 'stop':
      return 'stop;';
  }
}

function ruleTest(rule: MailRule): string {
  const conditions = rule.conditions.map(conditionSieve);
  const test = conditions.length === 0 ? 'true' : `${rule.match === 'all' ? 'allof' : 'anyof'} (${conditions.join(', ')})`;
  return rule.enabled ? test : `allof (false, ${test})`;
}

/** Indents a block's command lines; lines inside a string that spans lines stay as they are. */
function indentLines(text: string): string {
  const out: string[] = [];
  let inString = false;
  for (const l of text.split('\n')) {
    out.push(inString || l === '' ? l : `  ${l}`);
    // an odd number of unescaped quotes on a line opens or closes a string spanning lines
    const quotes = l.replace(/\\./g, '').split('"').length - 1;
    if (quotes % 2 === 1) inString = !inString;
  }
  return out.join('\n');
}

const marker = (kind: 'rule' | 'vacation', meta: object) => `# ${kind}: ${JSON.stringify(meta)}`;

/** One rule's block: the marker comment and its `if`. */
export function ruleSieve(rule: MailRule): string {
  const body = canonicalActions(rule.actions).map(actionSieve).join('\n');
  return `${marker('rule', { name: rule.name, enabled: rule.enabled })}\nif ${ruleTest(rule)} {\n${indentLines(body).replace(/\n$/, '')}\n}`;
}

export function vacationSieve(v: VacationSettings): string {
  const dates = [
    ...(v.start ? [`currentdate :value "ge" "date" ${sieveString(v.start)}`] : []),
    ...(v.end ? [`currentdate :value "le" "date" ${sieveString(v.end)}`] : []),
  ];
  const test = v.enabled ? (dates.length === 0 ? 'true' : `allof (${dates.join(', ')})`) : dates.length === 0 ? 'false' : `allof (false, ${dates.join(', ')})`;
  const args = [`:days ${v.days}`];
  if (v.subject) args.push(`:subject ${sieveString(v.subject)}`);
  if (v.addresses.length > 0) args.push(`:addresses [${v.addresses.map((a) => sieveString(a)).join(', ')}]`);
  // RFC 5230 5.8: with :mime the reason is a MIME entity, its headers first
  const reason = v.html ? `Content-Type: text/html; charset=utf-8\n\n${v.message}` : v.message;
  if (v.html) args.push(':mime');
  const command = `vacation ${args.join(' ')} ${sieveString(reason)};`;
  return `${marker('vacation', { enabled: v.enabled })}\nif ${test} {\n${indentLines(command)}\n}`;
}

const RULE_EXTENSIONS: Record<string, (r: MailRule) => boolean> = {
  fileinto: (r) => r.actions.some((a) => a.type === 'move' || a.type === 'copy'),
  copy: (r) => r.actions.some((a) => a.type === 'copy' || (a.type === 'forward' && a.keepCopy)),
  imap4flags: (r) => r.actions.some((a) => FLAG_ACTIONS.has(a.type)),
  reject: (r) => r.actions.some((a) => a.type === 'reject'),
  spamtest: (r) => r.conditions.some((c) => c.field === 'spamScore'),
  relational: (r) => r.conditions.some((c) => c.field === 'spamScore'),
  'comparator-i;ascii-numeric': (r) => r.conditions.some((c) => c.field === 'spamScore'),
};

/** The extensions (RFC 5228 3.2 require) the rules and vacation reply use. */
export function neededExtensions(rules: MailRule[], vacation: VacationSettings | null): string[] {
  const needed = new Set<string>();
  for (const [ext, uses] of Object.entries(RULE_EXTENSIONS)) if (rules.some(uses)) needed.add(ext);
  if (vacation) {
    needed.add('vacation');
    if (vacation.start || vacation.end) {
      needed.add('date');
      needed.add('relational');
    }
  }
  return [...needed];
}

/** The whole script: header comment, one require, the vacation block, then the entries in order. */
export function rulesToSieve(parsed: ParsedRules): string {
  const rules = parsed.entries.flatMap((e) => (e.kind === 'rule' ? [e.rule] : []));
  const extensions = [...new Set([...parsed.extensions, ...neededExtensions(rules, parsed.vacation)])].sort();
  const blocks = [HEADER_COMMENT + (extensions.length > 0 ? `\nrequire [${extensions.map((e) => sieveString(e)).join(', ')}];` : '')];
  if (parsed.vacation) blocks.push(vacationSieve(parsed.vacation));
  for (const e of parsed.entries) blocks.push(e.kind === 'rule' ? ruleSieve(e.rule) : e.sieve.replace(/\s+$/, ''));
  return `${blocks.join('\n\n')}\n`;
}

// ---------------------------------------------------------------- reading Sieve back

const oneString = (a: Arg | undefined): string | undefined => (a?.kind === 'str' && !a.list && a.values.length === 1 ? a.values[0] : undefined);
const isTag = (a: Arg | undefined, ...names: string[]) => a?.kind === 'tag' && names.includes(a.name);
const MATCH_TYPES = ['is', 'contains', 'matches'] as const;

function readCondition(test: Test): RuleCondition | null {
  let negate = false;
  let t = test;
  if (t.name === 'not' && t.tests.length === 1 && !t.list && t.args.length === 0) {
    negate = true;
    t = t.tests[0]!;
  }
  if (t.tests.length > 0) return null;
  const [a0, a1, a2] = t.args;
  if (t.name === 'size' && !negate && t.args.length === 2 && isTag(a0, 'over', 'under') && a1?.kind === 'num' && a1.unit === 'K') {
    return { field: 'size', comparison: (a0 as { name: 'over' | 'under' }).name, kilobytes: a1.value };
  }
  if (t.name === 'spamtest' && !negate && t.args.length === 5) {
    const [value, rel, comparator, numeric, score] = t.args;
    if (isTag(value, 'value') && oneString(rel) === 'gt' && isTag(comparator, 'comparator') && oneString(numeric) === 'i;ascii-numeric') {
      const s = oneString(score);
      if (s && /^[0-9]$/.test(s)) return { field: 'spamScore', score: Number(s) };
    }
    return null;
  }
  if (t.args.length !== 3 || a0?.kind !== 'tag' || !(MATCH_TYPES as readonly string[]).includes(a0.name)) return null;
  const match = a0.name as (typeof MATCH_TYPES)[number];
  const value = oneString(a2);
  if (value === undefined || a1?.kind !== 'str') return null;
  const names = a1.values.map((n) => n.toLowerCase());
  if (t.name === 'address') {
    if (!a1.list && names[0] === 'from') return { field: 'from', match, negate, value };
    if (a1.list && names.length === 2 && names[0] === 'to' && names[1] === 'cc') return { field: 'to', match, negate, value };
    return null;
  }
  if (t.name !== 'header' || a1.list || names.length !== 1) return null;
  const name = names[0]!;
  if (name === 'subject') return { field: 'subject', match, negate, value };
  if (name === 'list-id') return { field: 'listId', match, negate, value };
  if (name === 'content-type' && match === 'contains' && value === 'multipart/mixed') return { field: 'hasAttachment', negate };
  if (!/^[!-9;-~]+$/.test(a1.values[0]!)) return null;
  return { field: 'header', header: a1.values[0]!, match, negate, value };
}

function readAction(c: Command): RuleAction | null {
  if (c.block || c.tests.length > 0) return null;
  const [a0, a1, ...more] = c.args;
  if (more.length > 0) return null;
  switch (c.name) {
    case 'fileinto': {
      if (c.args.length === 1 && oneString(a0) !== undefined) return { type: 'move', mailbox: oneString(a0)! };
      if (c.args.length === 2 && isTag(a0, 'copy') && oneString(a1) !== undefined) return { type: 'copy', mailbox: oneString(a1)! };
      return null;
    }
    case 'addflag': {
      const flag = c.args.length === 1 ? oneString(a0) : undefined;
      if (flag === undefined) return null;
      if (flag.toLowerCase() === '\\seen') return { type: 'markRead' };
      if (flag.toLowerCase() === '\\flagged') return { type: 'flag' };
      return flag.startsWith('\\') || /\s/.test(flag) || flag === '' ? null : { type: 'addKeyword', keyword: flag };
    }
    case 'redirect': {
      if (c.args.length === 1 && oneString(a0) !== undefined) return { type: 'forward', address: oneString(a0)!, keepCopy: false };
      if (c.args.length === 2 && isTag(a0, 'copy') && oneString(a1) !== undefined) return { type: 'forward', address: oneString(a1)!, keepCopy: true };
      return null;
    }
    case 'reject':
      return c.args.length === 1 && oneString(a0) ? { type: 'reject', reason: oneString(a0)! } : null;
    case 'discard':
      return c.args.length === 0 ? { type: 'discard' } : null;
    case 'stop':
      return c.args.length === 0 ? { type: 'stop' } : null;
    default:
      return null;
  }
}

function readMarker(comment: Token | undefined, kind: 'rule' | 'vacation'): Record<string, unknown> | null {
  if (comment?.t !== 'comment') return null;
  const prefix = `# ${kind}: `;
  if (!comment.v.startsWith(prefix)) return null;
  try {
    const meta = JSON.parse(comment.v.slice(prefix.length)) as unknown;
    return meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The test of a block this codec wrote: `allof (false, T)` is T disabled. */
function unwrapDisabled(test: Test): { enabled: boolean; test: Test | null } {
  if (test.name === 'false' && test.args.length === 0 && test.tests.length === 0) return { enabled: false, test: null };
  if (test.name === 'allof' && test.list && test.tests[0]?.name === 'false' && test.tests[0].tests.length === 0 && test.tests[0].args.length === 0) {
    const rest = test.tests.slice(1);
    return { enabled: false, test: rest.length === 1 ? rest[0]! : { name: 'allof', args: [], tests: rest, list: true } };
  }
  return { enabled: true, test };
}

function readRule(seg: Segment): MailRule | null {
  const meta = readMarker(seg.comments[seg.comments.length - 1], 'rule');
  if (!meta || typeof meta.name !== 'string' || !meta.name.trim() || /[\x00-\x1f\x7f]/.test(meta.name)) return null;
  if (seg.commands.length !== 1) return null;
  const [c] = seg.commands;
  if (c!.name !== 'if' || c!.args.length > 0 || c!.tests.length !== 1 || !c!.block) return null;
  const { enabled, test } = unwrapDisabled(c!.tests[0]!);
  if (!test) return null;
  let match: 'all' | 'any' = 'all';
  let conditions: RuleCondition[] = [];
  if (test.name === 'true' && test.args.length === 0 && test.tests.length === 0) {
    conditions = [];
  } else if ((test.name === 'allof' || test.name === 'anyof') && test.list && test.args.length === 0) {
    match = test.name === 'allof' ? 'all' : 'any';
    for (const t of test.tests) {
      const condition = readCondition(t);
      if (!condition) return null;
      conditions.push(condition);
    }
  } else {
    return null;
  }
  const actions: RuleAction[] = [];
  for (const command of c!.block) {
    const action = readAction(command);
    if (!action) return null;
    actions.push(action);
  }
  if (actions.length === 0) return null;
  // a block someone reordered by hand is shown as raw, so saving never changes what it does
  const canonical = canonicalActions(actions);
  if (!canonical.every((a, i) => a === actions[i])) return null;
  // only what the rules editor could have made (the contract's limits) is shown as a rule
  const parsed = mailRule.safeParse({ name: meta.name, enabled, match, conditions, actions });
  return parsed.success ? parsed.data : null;
}

const MIME_HTML_HEAD = /^Content-Type: text\/html; charset=utf-8\n\n/;

function readVacation(seg: Segment): VacationSettings | null {
  const meta = readMarker(seg.comments[seg.comments.length - 1], 'vacation');
  if (!meta || seg.commands.length !== 1) return null;
  const [c] = seg.commands;
  if (c!.name !== 'if' || c!.args.length > 0 || c!.tests.length !== 1 || !c!.block || c!.block.length !== 1) return null;
  const outer = c!.tests[0]!;
  let enabled = true;
  let dateTests: Test[] = [];
  if ((outer.name === 'true' || outer.name === 'false') && outer.args.length === 0 && outer.tests.length === 0) {
    enabled = outer.name === 'true';
  } else if (outer.name === 'allof' && outer.list && outer.args.length === 0) {
    dateTests = outer.tests;
    if (dateTests[0]?.name === 'false' && dateTests[0].args.length === 0 && dateTests[0].tests.length === 0) {
      enabled = false;
      dateTests = dateTests.slice(1);
    }
    if (dateTests.length === 0) return null;
  } else {
    return null;
  }
  let start: string | null = null;
  let end: string | null = null;
  for (const d of dateTests) {
    const [value, rel, part, date, ...more] = d.args;
    if (d.name !== 'currentdate' || d.tests.length > 0 || more.length > 0 || !isTag(value, 'value') || oneString(part) !== 'date') return null;
    const day = oneString(date);
    if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
    if (oneString(rel) === 'ge' && start === null && end === null) start = day;
    else if (oneString(rel) === 'le' && end === null) end = day;
    else return null;
  }
  const v = c!.block[0]!;
  if (v.name !== 'vacation' || v.block || v.tests.length > 0) return null;
  let days: number | null = null;
  let subject = '';
  let addresses: string[] = [];
  let mime = false;
  const args = [...v.args];
  const reason = oneString(args.pop());
  if (reason === undefined) return null;
  while (args.length > 0) {
    const tag = args.shift()!;
    if (tag.kind !== 'tag') return null;
    if (tag.name === 'days' && days === null) {
      const n = args.shift();
      if (n?.kind !== 'num' || n.unit !== '' || n.value < 1 || n.value > 365) return null;
      days = n.value;
    } else if (tag.name === 'subject' && !subject) {
      const s = oneString(args.shift());
      if (!s) return null;
      subject = s;
    } else if (tag.name === 'addresses' && addresses.length === 0) {
      const list = args.shift();
      if (list?.kind !== 'str' || !list.list) return null;
      addresses = list.values;
    } else if (tag.name === 'mime' && !mime) {
      mime = true;
    } else {
      return null;
    }
  }
  if (days === null) return null;
  let message = reason;
  if (mime) {
    if (!MIME_HTML_HEAD.test(reason)) return null;
    message = reason.replace(MIME_HTML_HEAD, '');
  }
  // the Sieve decides whether it is on; the marker's "enabled" is only for people reading the script
  const parsed = vacationSettings.safeParse({ enabled, subject, message, html: mime, start, end, addresses, days });
  return parsed.success ? parsed.data : null;
}

function requireNames(c: Command): string[] | null {
  if (c.name !== 'require' || c.block || c.tests.length > 0 || c.args.length !== 1 || c.args[0]!.kind !== 'str') return null;
  return c.args[0]!.values;
}

/**
 * Reads a script into rules, the vacation settings and raw blocks. Throws on a script that is
 * not even Sieve syntax (the caller then shows it as one raw block).
 */
export function sieveToRules(script: string): ParsedRules {
  const src = script.replace(/^\uFEFF/, '');
  const entries: RuleEntry[] = [];
  const required: string[] = [];
  let vacation: VacationSettings | null = null;
  const raw = (text: string) => {
    const sieve = text.replace(/\s+$/, '');
    if (!sieve) return;
    const last = entries[entries.length - 1];
    // neighbouring raw parts are one block: saving them puts them back together
    if (last?.kind === 'raw') last.sieve = `${last.sieve}\n\n${sieve}`;
    else entries.push({ kind: 'raw', sieve });
  };
  for (const seg of segments(src, lex(src))) {
    const comments = seg.comments.filter((c) => c.v !== HEADER_COMMENT);
    const ownComments = (n: number) => comments.slice(0, comments.length - n).map((c) => c.v);
    if (seg.commands.length === 0) {
      if (comments.length > 0) raw(src.slice(comments[0]!.start, seg.end));
      continue;
    }
    const names = seg.commands.length === 1 ? requireNames(seg.commands[0]!) : null;
    if (names) {
      required.push(...names);
      if (comments.length > 0) raw(ownComments(0).join('\n'));
      continue;
    }
    const rule = readRule(seg);
    if (rule) {
      if (comments.length > 1) raw(ownComments(1).join('\n'));
      entries.push({ kind: 'rule', rule });
      continue;
    }
    const v: VacationSettings | null = vacation ? null : readVacation(seg);
    if (v) {
      if (comments.length > 1) raw(ownComments(1).join('\n'));
      vacation = v;
      continue;
    }
    const from = comments[0] ? Math.min(comments[0].start, seg.commandStart) : seg.commandStart;
    raw(src.slice(from, seg.end));
  }
  const rules = entries.flatMap((e) => (e.kind === 'rule' ? [e.rule] : []));
  const needed = new Set(neededExtensions(rules, vacation));
  const extensions = [...new Set(required)].filter((e) => !needed.has(e)).sort();
  return { entries, vacation, extensions };
}

/** `sieveToRules`, or the whole script as one raw block when it is not Sieve syntax. */
export function readRules(script: string): ParsedRules {
  try {
    return sieveToRules(script);
  } catch (e) {
    if (!(e instanceof SyntaxProblem) && !(e instanceof RangeError)) throw e;
    return { entries: script.trim() ? [{ kind: 'raw', sieve: script.replace(/\s+$/, '') }] : [], vacation: null, extensions: [] };
  }
}
