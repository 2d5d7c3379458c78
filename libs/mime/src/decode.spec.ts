import { describe, expect, it } from 'vitest';
import { decodeBase64, decodePartBody, decodeQuotedPrintable, decodeTransfer } from './decode';

const qp = (s: string): string => decodeQuotedPrintable(Buffer.from(s, 'latin1')).toString('latin1');

describe('quoted-printable (RFC 2045 6.7)', () => {
  it('decodes =XX in either case', () => {
    expect(qp('caf=C3=A9 caf=c3=a9')).toBe('caf\xc3\xa9 caf\xc3\xa9');
  });
  it('removes soft line breaks with CRLF, LF and whitespace after the =', () => {
    expect(qp('ab=\r\ncd=\nef= \t\r\ngh')).toBe('abcdefgh');
  });
  it('drops trailing whitespace of a line but keeps inner and encoded whitespace', () => {
    expect(qp('a  b   \r\nc =20\r\nd\t\n')).toBe('a  b\r\nc  \r\nd\n');
  });
  it('keeps a malformed = and a soft break at the very end', () => {
    expect(qp('1=2 x=ZZ y=')).toBe('1=2 x=ZZ y');
    expect(qp('=')).toBe('');
  });
});

describe('base64', () => {
  it('ignores line breaks and junk, accepts missing padding', () => {
    expect(decodeBase64(Buffer.from('SGVs\r\nbG8g*V29y\nbGQ')).toString()).toBe('Hello World');
  });
  it('drops a dangling sextet instead of failing', () => {
    expect(decodeBase64(Buffer.from('SGVsbG8=Q')).toString()).toBe('Hello');
  });
});

describe('decodeTransfer / decodePartBody', () => {
  it('passes identity and unknown encodings through', () => {
    const data = Buffer.from([0, 1, 2, 0xff]);
    for (const enc of ['7bit', '8bit', 'binary', 'x-uuencode', '']) expect(decodeTransfer(data, enc).equals(data)).toBe(true);
  });
  it('is case-insensitive on the encoding name', () => {
    expect(decodeTransfer(Buffer.from('aGk='), 'BASE64').toString()).toBe('hi');
  });
  it('clamps offsets that lie outside the message', () => {
    const raw = Buffer.from('aGk=');
    expect(decodePartBody(raw, { bodyStart: 0, bodyEnd: 100, encoding: 'base64' }).toString()).toBe('hi');
    expect(decodePartBody(raw, { bodyStart: 50, bodyEnd: 10, encoding: 'base64' }).length).toBe(0);
  });
});
