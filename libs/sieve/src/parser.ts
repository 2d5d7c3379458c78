import type { Argument, CommandNode, StringArgument, TestNode } from './ast';
import type { LexError, Token } from './lexer';

export interface ParseError {
  line: number;
  column: number;
  message: string;
}

/**
 * RFC 5228 8.2 grammar to an AST. Stops at the first syntax error (as Pigeonhole does: a
 * syntax error makes the rest of the script unreadable); nesting past `maxNesting` is refused.
 */
export function parseSieve(tokens: Token[], maxNesting: number): { commands: CommandNode[]; errors: ParseError[] } {
  const parser = new Parser(tokens, maxNesting);
  try {
    const commands = parser.commands(0, true);
    return { commands, errors: [] };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { commands: [], errors: [e.error] };
    throw e;
  }
}

class SyntaxFailure extends Error {
  constructor(readonly error: ParseError) {
    super(error.message);
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of script';
    case 'identifier':
      return `identifier "${t.text}"`;
    case 'tag':
      return `tag ":${t.text}"`;
    case 'number':
      return `number ${t.text}`;
    case 'string':
      return 'string';
    case 'punct':
      return `"${t.text}"`;
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly maxNesting: number,
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private fail(t: Token, message: string): never {
    throw new SyntaxFailure({ line: t.line, column: t.column, message });
  }

  private isPunct(t: Token, c: string): boolean {
    return t.kind === 'punct' && t.text === c;
  }

  private checkDepth(depth: number, t: Token): void {
    if (depth > this.maxNesting) this.fail(t, `nesting is deeper than the limit of ${this.maxNesting}`);
  }

  commands(depth: number, top: boolean): CommandNode[] {
    const out: CommandNode[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') {
        if (!top) this.fail(t, 'missing "}" at the end of a block');
        return out;
      }
      if (this.isPunct(t, '}')) {
        if (top) this.fail(t, 'unexpected "}"');
        return out;
      }
      out.push(this.command(depth));
    }
  }

  private command(depth: number): CommandNode {
    const t = this.next();
    if (t.kind !== 'identifier') this.fail(t, `expected a command but found ${describe(t)}`);
    const { args, tests, testList } = this.arguments(depth);
    const end = this.next();
    if (this.isPunct(end, ';')) return { name: t.text.toLowerCase(), line: t.line, column: t.column, args, tests, testList, block: null };
    if (this.isPunct(end, '{')) {
      this.checkDepth(depth + 1, end);
      const block = this.commands(depth + 1, false);
      this.next(); // '}'
      return { name: t.text.toLowerCase(), line: t.line, column: t.column, args, tests, testList, block };
    }
    this.fail(end, `expected ";" or "{" after the ${t.text.toLowerCase()} command but found ${describe(end)}`);
  }

  private arguments(depth: number): { args: Argument[]; tests: TestNode[]; testList: boolean } {
    const args: Argument[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'string') {
        this.next();
        args.push(stringArg(t));
      } else if (t.kind === 'number') {
        this.next();
        args.push({ kind: 'number', value: t.value!, line: t.line, column: t.column });
      } else if (t.kind === 'tag') {
        this.next();
        args.push({ kind: 'tag', name: t.text.toLowerCase(), line: t.line, column: t.column });
      } else if (this.isPunct(t, '[')) {
        this.next();
        const values: StringArgument[] = [];
        for (;;) {
          const s = this.next();
          if (s.kind !== 'string') this.fail(s, `expected a string in the string list but found ${describe(s)}`);
          values.push(stringArg(s));
          const sep = this.next();
          if (this.isPunct(sep, ']')) break;
          if (!this.isPunct(sep, ',')) this.fail(sep, `expected "," or "]" in the string list but found ${describe(sep)}`);
        }
        args.push({ kind: 'stringlist', values, line: t.line, column: t.column });
      } else {
        break;
      }
    }
    const t = this.peek();
    if (t.kind === 'identifier') return { args, tests: [this.test(depth + 1)], testList: false };
    if (this.isPunct(t, '(')) {
      this.next();
      return { args, tests: this.testList(depth + 1), testList: true };
    }
    return { args, tests: [], testList: false };
  }

  private testList(depth: number): TestNode[] {
    const tests: TestNode[] = [];
    for (;;) {
      tests.push(this.test(depth));
      const sep = this.next();
      if (this.isPunct(sep, ')')) return tests;
      if (!this.isPunct(sep, ',')) this.fail(sep, `expected "," or ")" in the test list but found ${describe(sep)}`);
    }
  }

  private test(depth: number): TestNode {
    const t = this.next();
    this.checkDepth(depth, t);
    if (t.kind !== 'identifier') this.fail(t, `expected a test but found ${describe(t)}`);
    const { args, tests, testList } = this.arguments(depth);
    return { name: t.text.toLowerCase(), line: t.line, column: t.column, args, tests, testList };
  }
}

function stringArg(t: Token): StringArgument {
  return { kind: 'string', value: t.text, multiline: t.multiline === true, line: t.line, column: t.column };
}

export type { LexError };
