import { describe, expect, it } from 'vitest';
import { SieveLexer, lexSieve } from './lexer';
import type { Token } from './lexer';

const SCRIPT = [
  '# RFC 5228 9 style script',
  'require ["fileinto", "reject"]; /* a bracket',
  '   comment */',
  'if header :contains "Subject" "\\"quoted\\" \\\\ \\a" {',
  '  reject text: # trailing comment',
  'line one',
  '..dotted',
  '.',
  ';',
  '} elsif size :over 100K { fileinto "big"; }',
  'text',
  'stop;',
].join('\r\n');

function lexInPieces(source: string, cuts: number[]): { tokens: Token[]; errors: unknown[] } {
  const lexer = new SieveLexer();
  let from = 0;
  for (const cut of [...cuts, source.length]) {
    lexer.push(source.slice(from, cut));
    from = cut;
  }
  return { tokens: lexer.end(), errors: lexer.errors };
}

describe('SieveLexer', () => {
  it('reads tokens with their positions, escapes, multi-line literals with dot-stuffing and quantifiers', () => {
    const { tokens, errors } = lexSieve(SCRIPT);
    expect(errors).toEqual([]);
    const strings = tokens.filter((t) => t.kind === 'string').map((t) => t.text);
    expect(strings).toContain('"quoted" \\ a');
    expect(strings).toContain('line one\r\n.dotted\r\n');
    expect(tokens.find((t) => t.kind === 'number')).toMatchObject({ value: 100 * 1024, line: 10, column: 20 });
    expect(tokens.find((t) => t.kind === 'tag')).toMatchObject({ text: 'contains', line: 4, column: 11 });
    expect(tokens.find((t) => t.text === 'require')).toMatchObject({ line: 2, column: 1 });
    // "text" not followed by ":" is an identifier
    expect(tokens.filter((t) => t.kind === 'identifier').map((t) => t.text)).toContain('text');
    expect(tokens[tokens.length - 1]!.kind).toBe('eof');
  });

  it('gives the same tokens fed byte by byte', () => {
    const whole = lexSieve(SCRIPT);
    const cuts = Array.from({ length: SCRIPT.length - 1 }, (_v, i) => i + 1);
    expect(lexInPieces(SCRIPT, cuts)).toEqual(whole);
  });

  it('gives the same tokens at random split points', () => {
    const whole = lexSieve(SCRIPT);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * SCRIPT.length)).sort((a, b) => a - b);
      expect(lexInPieces(SCRIPT, cuts)).toEqual(whole);
    }
  });

  it('reports unterminated strings, comments and literals at their start', () => {
    expect(lexSieve('keep;\n  "abc').errors).toEqual([{ line: 2, column: 3, message: 'unterminated string' }]);
    expect(lexSieve('/* open').errors[0]).toMatchObject({ line: 1, column: 1, message: 'unterminated comment' });
    expect(lexSieve('reject text:\r\nno end\r\n').errors[0]).toMatchObject({ line: 1, column: 8, message: 'unterminated multi-line string' });
    expect(lexSieve('keep; @').errors[0]).toMatchObject({ line: 1, column: 7, message: 'unexpected character "@"' });
  });
});
