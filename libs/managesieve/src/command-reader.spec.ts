import { describe, expect, it } from 'vitest';
import { CommandReader, type ReadItem } from './command-reader';

const limits = { maxLineLength: 64, maxLiteralSize: 100 };

/** What the reader makes of `input`, fed whole and byte by byte: both must agree. */
function read(input: string | Buffer, readerLimits = limits): unknown[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const whole = new CommandReader(readerLimits).push(bytes);
  const byByte = new CommandReader(readerLimits);
  const split: ReadItem[] = [];
  for (const b of bytes) split.push(...byByte.push(Buffer.from([b])));
  const view = (items: ReadItem[]) =>
    items.map((item) => (item.kind === 'command' ? item.tokens.map((t) => (t.kind === 'atom' ? { atom: t.text } : t.bytes.toString('utf8'))) : item));
  expect(view(split)).toEqual(view(whole));
  return view(whole);
}

describe('CommandReader', () => {
  it('reads atoms, quoted strings with their two escapes, and numbers (RFC 5804 4)', () => {
    expect(read('Authenticate "PLAIN" "QJIrweAPyo6Q1T9xy"\r\nHAVESPACE "my \\"big\\" \\\\script" 999999\r\n')).toEqual([
      [{ atom: 'Authenticate' }, 'PLAIN', 'QJIrweAPyo6Q1T9xy'],
      [{ atom: 'HAVESPACE' }, 'my "big" \\script', { atom: '999999' }],
    ]);
  });

  it('reads {n+} and {n} literals, whose octets may hold CRLF and quotes', () => {
    const script = 'require ["fileinto"];\r\nif true {\r\n  fileinto "x";\r\n}\r\n';
    const n = Buffer.byteLength(script);
    expect(read(`Putscript "mysievescript" {${n}+}\r\n${script}\r\nCHECKSCRIPT {${n}}\r\n${script}\r\n`)).toEqual([
      [{ atom: 'Putscript' }, 'mysievescript', script],
      [{ atom: 'CHECKSCRIPT' }, script],
    ]);
    // a literal name, and an empty literal
    expect(read('SETACTIVE {13+}\r\nclever"script\r\nPUTSCRIPT "e" {0+}\r\n\r\n')).toEqual([[{ atom: 'SETACTIVE' }, 'clever"script'], [{ atom: 'PUTSCRIPT' }, 'e', '']]);
  });

  it('counts literal octets, not characters', () => {
    expect(read(Buffer.from('NOOP {4+}\r\nüü\r\n'))).toEqual([[{ atom: 'NOOP' }, 'üü']]);
  });

  it('accepts bare LF line ends and skips empty lines', () => {
    expect(read('LOGOUT\n\r\nNOOP\n')).toEqual([[{ atom: 'LOGOUT' }], [{ atom: 'NOOP' }]]);
  });

  it('reports a bad quoted string once and goes on with the next command', () => {
    expect(read('NOOP "a\\x"\r\nNOOP "ok"\r\n')).toEqual([{ kind: 'error', message: 'Only \\" and \\\\ may be escaped in a quoted string' }, [{ atom: 'NOOP' }, 'ok']]);
    expect(read('NOOP "unterminated\r\nNOOP\r\n')).toEqual([{ kind: 'error', message: 'A quoted string cannot hold CR, LF or NUL; send a literal' }, [{ atom: 'NOOP' }]]);
    expect(read('NOOP {3x}\r\nNOOP\r\n')).toEqual([{ kind: 'error', message: 'Malformed literal header' }, [{ atom: 'NOOP' }]]);
  });

  it('refuses a quoted string over 1024 octets', () => {
    const items = read(`NOOP "${'a'.repeat(1025)}"\r\nNOOP\r\n`, { maxLineLength: 4096, maxLiteralSize: 100 });
    expect(items).toEqual([{ kind: 'error', message: 'A quoted string has at most 1024 octets; send a literal' }, [{ atom: 'NOOP' }]]);
    expect(read(`NOOP "${'a'.repeat(1024)}"\r\n`, { maxLineLength: 4096, maxLiteralSize: 100 })).toEqual([[{ atom: 'NOOP' }, 'a'.repeat(1024)]]);
  });

  it('refuses a line over the limit once, without buffering it, and skips a literal it announces', () => {
    const long = `PUTSCRIPT "${'n'.repeat(80)}" {10+}\r\nLOGOUT\r\nxx\r\nNOOP\r\n`;
    // the literal's ten octets ("LOGOUT\r\nxx") must not be read as a command
    expect(read(long)).toEqual([{ kind: 'error', message: 'Command line too long' }, [{ atom: 'NOOP' }]]);
  });

  it('skips a literal over the size limit and reports it as too large after its octets', () => {
    const big = 'x'.repeat(150);
    expect(read(`PUTSCRIPT "big" {150+}\r\n${big}\r\nNOOP\r\n`)).toEqual([
      { kind: 'error', message: 'A literal has at most 100 octets', tooLarge: true },
      [{ atom: 'NOOP' }],
    ]);
    // two literals that together pass the limit
    expect(read(`RENAMESCRIPT {60+}\r\n${'a'.repeat(60)} {60+}\r\n${'b'.repeat(60)}\r\nNOOP\r\n`)).toEqual([
      { kind: 'error', message: 'A literal has at most 100 octets', tooLarge: true },
      [{ atom: 'NOOP' }],
    ]);
  });

  it('gives up on a literal no client could send', () => {
    expect(read('PUTSCRIPT "a" {99999999999+}\r\n')).toEqual([{ kind: 'error', message: 'Literal too large', fatal: true }]);
  });

  it('forgets a partial command on reset (STARTTLS)', () => {
    const reader = new CommandReader(limits);
    expect(reader.push(Buffer.from('NOOP "half'))).toEqual([]);
    reader.reset();
    expect(reader.push(Buffer.from('LOGOUT\r\n'))).toEqual([{ kind: 'command', tokens: [{ kind: 'atom', text: 'LOGOUT' }] }]);
  });
});
