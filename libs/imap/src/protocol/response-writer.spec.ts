import { describe, expect, it } from 'vitest';
import { ResponseBuilder } from './response-writer';

const line = (f: (b: ResponseBuilder) => void) => {
  const b = new ResponseBuilder();
  f(b);
  return b.end().toString('latin1');
};

describe('ResponseBuilder: quoted or literal (RFC 3501 4.3)', () => {
  it('quotes plain text and escapes quotes and backslashes', () => {
    expect(line((b) => b.string('hello world'))).toBe('"hello world"\r\n');
    expect(line((b) => b.string('say "hi" \\o/'))).toBe('"say \\"hi\\" \\\\o/"\r\n');
    expect(line((b) => b.nstring(null))).toBe('NIL\r\n');
    expect(line((b) => b.string(''))).toBe('""\r\n');
  });

  it('sends 8-bit text, CR/LF, NUL and long values as literals', () => {
    expect(line((b) => b.string('grüße'))).toBe(`{7}\r\n${Buffer.from('grüße').toString('latin1')}\r\n`);
    expect(line((b) => b.string('a\r\nb'))).toBe('{4}\r\na\r\nb\r\n');
    expect(line((b) => b.string('a\0b'))).toBe('{3}\r\na\0b\r\n');
    expect(line((b) => b.string('x'.repeat(2000)))).toBe(`{2000}\r\n${'x'.repeat(2000)}\r\n`);
  });

  it('writes mailbox names in modified UTF-7', () => {
    expect(line((b) => b.raw('* LIST () "/" ').mailbox('Entwürfe'))).toBe('* LIST () "/" "Entw&APw-rfe"\r\n');
  });
});
