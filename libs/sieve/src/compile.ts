import type { Argument, CommandNode, StringArgument, TestNode } from './ast';
import { COMMAND_SPECS, SIEVE_EXTENSIONS, TEST_SPECS, isKnownCapability, withImplied } from './extensions';
import { lexSieve } from './lexer';
import type { Position } from './lexer';
import { resolveLimits } from './limits';
import type { SieveLimits } from './limits';
import { parseSieve } from './parser';
import type { ArgType, CommandSpec, CompiledCommand, CompiledNode, CompiledTest, SieveString, Value } from './spec';

export interface SieveCompileError {
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  message: string;
}

/** A script that passed the parser and the validator, ready for runSieve. */
export interface CompiledSieve {
  readonly commands: readonly CompiledCommand[];
  /** the capabilities it required, plus the ones they imply */
  readonly required: ReadonlySet<string>;
  /** UTF-8 bytes of the source */
  readonly size: number;
}

export type SieveCompileResult = { ok: true; script: CompiledSieve } | { ok: false; errors: SieveCompileError[] };

export interface SieveCompileOptions {
  limits?: Partial<SieveLimits>;
  /** capabilities require may name; default SIEVE_EXTENSIONS */
  extensions?: readonly string[];
}

/** Errors past this many are dropped (the first ones are what a person fixes first). */
const MAX_ERRORS = 25;

/** `line 3, column 5: unknown command "filein"` */
export function formatSieveError(e: SieveCompileError): string {
  return `line ${e.line}, column ${e.column}: ${e.message}`;
}

export function compileSieve(source: string, options: SieveCompileOptions = {}): SieveCompileResult {
  const limits = resolveLimits(options.limits);
  const size = Buffer.byteLength(source, 'utf8');
  if (size > limits.maxScriptBytes) {
    return { ok: false, errors: [{ line: 1, column: 1, message: `the script is ${size} bytes, more than the limit of ${limits.maxScriptBytes}` }] };
  }
  const lexed = lexSieve(source);
  if (lexed.errors.length > 0) return { ok: false, errors: lexed.errors };
  const parsed = parseSieve(lexed.tokens, limits.maxNesting);
  if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors };
  const validator = new Validator(options.extensions ?? SIEVE_EXTENSIONS);
  const commands = validator.script(parsed.commands);
  if (validator.errors.length > 0) return { ok: false, errors: validator.errors.slice(0, MAX_ERRORS) };
  return { ok: true, script: { commands, required: validator.required, size } };
}

const ORDINAL = ['1st', '2nd', '3rd'];
const ordinal = (i: number): string => ORDINAL[i] ?? `${i + 1}th`;

function describeArg(a: Argument): string {
  switch (a.kind) {
    case 'string':
      return 'a string';
    case 'stringlist':
      return 'a string list';
    case 'number':
      return 'a number';
    case 'tag':
      return `tag :${a.name}`;
  }
}

const TYPE_NAME: Record<ArgType, string> = { string: 'a string', stringlist: 'a string list', number: 'a number' };

class Validator {
  readonly errors: SieveCompileError[] = [];
  required: Set<string> = withImplied([]);
  private readonly reported = new Set<string>();

  constructor(private readonly enabled: readonly string[]) {}

  error(at: Position, message: string): void {
    this.errors.push({ line: at.line, column: at.column, message });
  }

  script(nodes: CommandNode[]): CompiledCommand[] {
    // RFC 5228 3.2: require comes before any other command
    let i = 0;
    const required: string[] = [];
    for (; i < nodes.length && nodes[i]!.name === 'require'; i++) {
      const node = nodes[i]!;
      const compiled = this.node(node, COMMAND_SPECS.get('require')!);
      if (compiled === null) continue;
      const caps = compiled.args['capabilities'] as SieveString[];
      for (const cap of caps) {
        if (!isKnownCapability(cap.text, this.enabled)) this.error(cap, `unsupported extension "${cap.text}"`);
        else required.push(cap.text);
      }
    }
    this.required = withImplied(required);
    return this.block(nodes.slice(i), true);
  }

  private get ctx() {
    return {
      required: this.required,
      hasVariables: this.required.has('variables'),
      error: (at: Position, message: string) => this.error(at, message),
    };
  }

  private block(nodes: CommandNode[], top: boolean): CompiledCommand[] {
    const out: CompiledCommand[] = [];
    let previous: string | null = null;
    for (const node of nodes) {
      const prev = previous;
      previous = node.name;
      if (node.name === 'require') {
        this.error(node, top ? 'require must come before any other command' : 'require is only allowed at the top of the script');
        continue;
      }
      if ((node.name === 'elsif' || node.name === 'else') && prev !== 'if' && prev !== 'elsif') {
        this.error(node, `${node.name} must follow an if or elsif command`);
        continue;
      }
      const spec = this.spec(node, COMMAND_SPECS, 'command');
      if (spec === null) continue;
      const compiled = this.node(node, spec);
      if (compiled === null) continue;
      let block: CompiledCommand[] | null = null;
      if (spec.block) {
        if (node.block === null) this.error(node, `the ${node.name} command needs a block`);
        else block = this.block(node.block, false);
      } else if (node.block !== null) {
        this.error(node, `the ${node.name} command takes no block`);
      }
      out.push({ ...compiled, block });
    }
    return out;
  }

  private spec(node: CommandNode | TestNode, table: ReadonlyMap<string, CommandSpec>, kind: 'command' | 'test'): CommandSpec | null {
    const spec = table.get(node.name);
    const other = (kind === 'command' ? TEST_SPECS : COMMAND_SPECS).get(node.name);
    if (spec === undefined) {
      if (other !== undefined) this.error(node, `"${node.name}" is a ${other.kind}, not a ${kind}`);
      else this.error(node, `unknown ${kind} "${node.name}"`);
      return null;
    }
    if (spec.extension !== undefined) {
      const needed = Array.isArray(spec.extension) ? spec.extension : [spec.extension];
      if (!needed.some((e) => this.required.has(e))) {
        const key = `${kind}:${node.name}`;
        if (!this.reported.has(key)) {
          this.reported.add(key);
          this.error(node, `unknown ${kind} "${node.name}" (it needs require "${needed[0]}")`);
        }
        return null;
      }
    }
    return spec;
  }

  private node(node: CommandNode | TestNode, spec: CommandSpec): CompiledNode | null {
    const errorsBefore = this.errors.length;
    const tags: Record<string, Value | true> = {};
    const tagPositions: Record<string, Position> = {};
    const groups = new Map<string, string>();
    const tagSpecs = spec.tags ?? [];
    const args = node.args;
    let i = 0;
    for (; i < args.length && args[i]!.kind === 'tag'; i++) {
      const tag = args[i] as Extract<Argument, { kind: 'tag' }>;
      const ts = tagSpecs.find((t) => t.name === tag.name);
      const needed = ts?.extension === undefined ? [] : Array.isArray(ts.extension) ? ts.extension : [ts.extension];
      if (ts === undefined || (needed.length > 0 && !needed.some((e) => this.required.has(e)))) {
        const hint = needed.length > 0 ? ` (it needs require "${needed[0]}")` : '';
        this.error(tag, `unknown tag ":${tag.name}" for the ${node.name} ${spec.kind}${hint}`);
        if (ts?.arg !== undefined && args[i + 1]?.kind !== 'tag') i++;
        continue;
      }
      if (tags[tag.name] !== undefined) {
        this.error(tag, `tag ":${tag.name}" is given more than once`);
      } else if (ts.group !== undefined && groups.has(ts.group)) {
        this.error(tag, `tag ":${tag.name}" cannot be combined with ":${groups.get(ts.group)}"`);
      }
      if (ts.group !== undefined && !groups.has(ts.group)) groups.set(ts.group, tag.name);
      tagPositions[tag.name] = { line: tag.line, column: tag.column };
      if (ts.arg === undefined) {
        tags[tag.name] = true;
        continue;
      }
      const value = args[i + 1];
      const converted = value === undefined ? null : this.value(value, ts.arg);
      if (converted === null) {
        this.error(value ?? tag, `tag ":${tag.name}" needs ${TYPE_NAME[ts.arg]} after it`);
        continue;
      }
      tags[tag.name] = converted;
      i++;
    }
    const positional = args.slice(i);
    const misplaced = positional.find((a) => a.kind === 'tag');
    if (misplaced !== undefined) {
      this.error(misplaced, `tag ":${(misplaced as { name: string }).name}" must come before the positional arguments of ${node.name}`);
      return null;
    }
    const specs = spec.positionals ?? [];
    const mandatory = specs.filter((p) => !p.optional);
    const used = positional.length === specs.length ? specs : positional.length === mandatory.length ? mandatory : null;
    const compiledArgs: Record<string, Value> = {};
    if (used === null) {
      const expected = mandatory.length === specs.length ? `${specs.length}` : `${mandatory.length} or ${specs.length}`;
      const at = positional[specs.length] ?? positional[0] ?? node;
      this.error(at, `the ${node.name} ${spec.kind} takes ${expected} positional argument${specs.length === 1 ? '' : 's'}, not ${positional.length}`);
    } else {
      used.forEach((p, k) => {
        const a = positional[k]!;
        const v = this.value(a, p.type);
        if (v === null) this.error(a, `the ${node.name} ${spec.kind} expects ${TYPE_NAME[p.type]} as its ${ordinal(k)} argument (${p.name}), not ${describeArg(a)}`);
        else compiledArgs[p.name] = v;
      });
    }
    const tests = this.subTests(node, spec);
    if (this.errors.length > errorsBefore) return null;
    const compiled: CompiledNode = { name: node.name, line: node.line, column: node.column, tags, tagPositions, args: compiledArgs, tests };
    spec.validate?.(compiled, this.ctx);
    return this.errors.length > errorsBefore ? null : compiled;
  }

  private subTests(node: CommandNode | TestNode, spec: CommandSpec): CompiledTest[] {
    const want = spec.tests ?? 'none';
    if (want === 'none') {
      if (node.tests.length > 0) this.error(node.tests[0]!, `the ${node.name} ${spec.kind} takes no test`);
      return [];
    }
    if (want === 'one' && (node.tests.length !== 1 || node.testList)) {
      this.error(node, node.tests.length === 0 ? `the ${node.name} ${spec.kind} needs a test` : `the ${node.name} ${spec.kind} takes one test, not a test list`);
      return [];
    }
    if (want === 'list' && !node.testList) {
      this.error(node, `the ${node.name} test needs a test list in parentheses`);
      return [];
    }
    const out: CompiledTest[] = [];
    for (const t of node.tests) {
      const ts = this.spec(t, TEST_SPECS, 'test');
      if (ts === null) continue;
      const c = this.node(t, ts);
      if (c !== null) out.push(c);
    }
    return out;
  }

  private value(a: Argument, type: ArgType): Value | null {
    if (type === 'number') return a.kind === 'number' ? a.value : null;
    if (a.kind === 'string') return type === 'string' ? this.string(a) : [this.string(a)];
    if (a.kind === 'stringlist' && type === 'stringlist') return a.values.map((s) => this.string(s));
    return null;
  }

  private string(a: StringArgument): SieveString {
    let text = a.value;
    if (this.required.has('encoded-character')) text = decodeEncodedCharacters(text, a, this);
    return { text, dynamic: this.required.has('variables') && text.includes('${'), line: a.line, column: a.column };
  }
}

/**
 * RFC 5228 2.4.2.4: `${hex: 41 42}` and `${unicode: 263A}`. A sequence that does not fit the
 * grammar stays as written; a unicode value outside Unicode's scalar range is an error.
 */
export function decodeEncodedCharacters(text: string, at?: Position, sink?: { error(at: Position, m: string): void }): string {
  if (!text.includes('${')) return text;
  return text.replace(/\$\{(hex|unicode):([\s0-9A-Fa-f]*)\}/gi, (whole: string, kind: string, body: string) => {
    const units = body.trim() === '' ? [] : body.trim().split(/[\s]+/);
    if (units.length === 0) return whole;
    if (kind.toLowerCase() === 'hex') {
      if (units.some((u) => u.length > 2)) return whole;
      const bytes = Buffer.from(units.map((u) => u.padStart(2, '0')).join(''), 'hex');
      return bytes.toString('utf8');
    }
    let out = '';
    for (const u of units) {
      const cp = Number.parseInt(u, 16);
      if (u.length > 8 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        if (at && sink) sink.error(at, `invalid unicode character ${u} in an encoded-character sequence`);
        return whole;
      }
      out += String.fromCodePoint(cp);
    }
    return out;
  });
}
