import { describe, expect, it } from 'vitest';
import { LineReader, parseCommandLine, type ReadLine } from './line-reader';

/** Feeds the input whole and byte by byte; both must give the same lines. */
function readBoth(input: string, max = 20): ReadLine[] {
  const whole = new LineReader(max).push(Buffer.from(input, 'latin1'));
  const reader = new LineReader(max);
  const bytewise: ReadLine[] = [];
  for (const byte of Buffer.from(input, 'latin1')) bytewise.push(...reader.push(Buffer.from([byte])));
  expect(bytewise).toEqual(whole);
  return whole;
}

const line = (text: string): ReadLine => ({ kind: 'line', text });

describe('LineReader', () => {
  it('splits CRLF lines, accepts bare LF, and keeps an unterminated tail for later', () => {
    expect(readBoth('USER a\r\nPASS b c\nSTAT\r\nLI')).toEqual([line('USER a'), line('PASS b c'), line('STAT')]);
    const reader = new LineReader(20);
    expect(reader.push(Buffer.from('LI'))).toEqual([]);
    expect(reader.push(Buffer.from('ST\r'))).toEqual([]);
    expect(reader.push(Buffer.from('\n'))).toEqual([line('LIST')]);
  });

  it('yields empty lines (the dispatcher answers them)', () => {
    expect(readBoth('\r\n\n')).toEqual([line(''), line('')]);
  });

  it('accepts a line of exactly the limit, CR excluded, and reports a longer one once, skipping to its end', () => {
    const exact = 'x'.repeat(20);
    expect(readBoth(`${exact}\r\n`)).toEqual([line(exact)]);
    expect(readBoth(`${exact}\n`)).toEqual([line(exact)]);
    expect(readBoth(`${'y'.repeat(21)}\r\nNOOP\r\n`)).toEqual([{ kind: 'too-long' }, line('NOOP')]);
    expect(readBoth(`${'z'.repeat(500)}\r\nQUIT\r\n`)).toEqual([{ kind: 'too-long' }, line('QUIT')]);
  });

  it('never buffers more than the limit of an endless line', () => {
    const reader = new LineReader(100);
    const results: ReadLine[] = [];
    for (let i = 0; i < 10_000; i++) results.push(...reader.push(Buffer.alloc(1000, 0x41)));
    expect(results).toEqual([{ kind: 'too-long' }]);
    expect((reader as unknown as { buffered: number }).buffered).toBe(0);
    expect(reader.push(Buffer.from('\r\nNOOP\r\n'))).toEqual([line('NOOP')]);
  });

  it('forgets everything on reset (STLS)', () => {
    const reader = new LineReader(20);
    reader.push(Buffer.from('USER evil'));
    reader.reset();
    expect(reader.push(Buffer.from('\r\nCAPA\r\n'))).toEqual([line(''), line('CAPA')]);
  });
});

describe('parseCommandLine', () => {
  it('upper-cases the keyword, splits arguments, and keeps the rest of the line verbatim', () => {
    expect(parseCommandLine('list 1')).toEqual({ verb: 'LIST', args: ['1'], rest: '1' });
    expect(parseCommandLine('PASS  two  spaces ')).toEqual({ verb: 'PASS', args: ['two', 'spaces'], rest: ' two  spaces ' });
    expect(parseCommandLine('STAT')).toEqual({ verb: 'STAT', args: [], rest: '' });
    expect(parseCommandLine('')).toBeUndefined();
    expect(parseCommandLine(' STAT')).toBeUndefined();
  });
});
