import { describe, expect, it } from 'vitest';
import { dotStuff, topOfMessage, toWireMessage, undotStuff, wireSize } from './wire';

const b = (s: string) => Buffer.from(s, 'latin1');
const s = (buf: Buffer) => buf.toString('latin1');

describe('toWireMessage / wireSize', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['a\r\nb\r\n', 'a\r\nb\r\n'],
    ['a\nb\n', 'a\r\nb\r\n'],
    ['a\r\nb', 'a\r\nb\r\n'],
    ['\n\n', '\r\n\r\n'],
    ['mixed\r\nlf\nend', 'mixed\r\nlf\r\nend\r\n'],
    ['bare\rcr\r\n', 'bare\rcr\r\n'],
    ['ends in cr\r', 'ends in cr\r\r\n'],
  ];
  it.each(cases)('normalises %j', (raw, wire) => {
    expect(s(toWireMessage(b(raw)))).toBe(wire);
    expect(wireSize(b(raw))).toBe(wire.length);
  });
});

describe('dotStuff', () => {
  it('doubles leading dots and terminates the body', () => {
    expect(s(dotStuff(b('a\r\n.b\r\n..\r\n.\r\n')))).toBe('a\r\n..b\r\n...\r\n..\r\n.\r\n');
    expect(s(dotStuff(b('')))).toBe('.\r\n');
  });
  it('round-trips through a client-side decode', () => {
    const wire = b('Subject: x\r\n\r\n.\r\n..two\r\nplain\r\n. \r\n');
    expect(s(undotStuff(dotStuff(wire)))).toBe(s(wire));
  });
});

describe('topOfMessage', () => {
  const wire = b('Subject: t\r\nFrom: a@b\r\n\r\none\r\ntwo\r\nthree\r\n');
  it('returns the header and blank line for 0 lines', () => {
    expect(s(topOfMessage(wire, 0))).toBe('Subject: t\r\nFrom: a@b\r\n\r\n');
  });
  it('adds the first n body lines, all of them when n is larger', () => {
    expect(s(topOfMessage(wire, 2))).toBe('Subject: t\r\nFrom: a@b\r\n\r\none\r\ntwo\r\n');
    expect(s(topOfMessage(wire, 99))).toBe(s(wire));
  });
  it('treats a message without a blank line as all header, and an empty header as empty', () => {
    expect(s(topOfMessage(b('Subject: only\r\n'), 0))).toBe('Subject: only\r\n');
    expect(s(topOfMessage(b('\r\nbody\r\nmore\r\n'), 1))).toBe('\r\nbody\r\n');
  });
});
