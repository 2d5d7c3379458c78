import { describe, expect, it } from 'vitest';
import { readFields, splitHeader } from './header';

const split = (s: string) => splitHeader(Buffer.from(s, 'latin1'), 0, Buffer.byteLength(s, 'latin1'));

describe('splitHeader', () => {
  it('ends the header at the first blank line, CRLF or LF', () => {
    expect(split('A: 1\r\nB: 2\r\n\r\nbody')).toEqual({ headerEnd: 12, bodyStart: 14 });
    expect(split('A: 1\nB: 2\n\nbody')).toEqual({ headerEnd: 10, bodyStart: 11 });
    expect(split('A: 1\n\r\nbody')).toEqual({ headerEnd: 5, bodyStart: 7 });
  });
  it('treats a leading blank line as an empty header', () => {
    expect(split('\r\nbody')).toEqual({ headerEnd: 0, bodyStart: 2 });
    expect(split('\nbody')).toEqual({ headerEnd: 0, bodyStart: 1 });
  });
  it('without a blank line everything is header', () => {
    expect(split('A: 1\r\nB: 2\r\n')).toEqual({ headerEnd: 12, bodyStart: 12 });
  });
  it('input that does not start with a field has no header', () => {
    expect(split('Hello there\r\n\r\nmore')).toEqual({ headerEnd: 0, bodyStart: 0 });
    expect(split('From sender@example.com Mon Jan  1 00:00:00 2024\nSubject: x\n\n')).toEqual({ headerEnd: 0, bodyStart: 0 });
    expect(split(' leading space: x\r\n\r\n')).toEqual({ headerEnd: 0, bodyStart: 0 });
  });
});

describe('readFields', () => {
  it('unfolds (RFC 5322 2.2.3) and trims, keeping the WSP of the fold', () => {
    const raw = Buffer.from('Subject: one\r\n two\r\n\tthree  \r\nX-Empty:\r\n\r\n');
    expect(readFields(raw, 0, raw.length).map(({ key, value }) => ({ key, value }))).toEqual([
      { key: 'subject', value: 'one two\tthree' },
      { key: 'x-empty', value: '' },
    ]);
  });
  it('decodes 8-bit values as UTF-8 when valid, else windows-1252, and drops NUL', () => {
    const raw = Buffer.concat([Buffer.from('A: '), Buffer.from('ü€', 'utf8'), Buffer.from('\r\nB: '), Buffer.from([0xfc, 0x80, 0x00, 0x41]), Buffer.from('\r\n')]);
    expect(readFields(raw, 0, raw.length).map((f) => f.value)).toEqual(['ü€', 'ü€A']);
  });
  it('records byte ranges covering continuation lines', () => {
    const raw = Buffer.from('A: 1\r\n 2\r\nB: 3\r\n');
    const [a, b] = readFields(raw, 0, raw.length);
    expect(raw.subarray(a!.field.start, a!.field.end).toString()).toBe('A: 1\r\n 2\r\n');
    expect(raw.subarray(b!.field.start, b!.field.end).toString()).toBe('B: 3\r\n');
  });
});
