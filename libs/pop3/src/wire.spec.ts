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

describe('against naive line-by-line versions', () => {
  /** Deterministic pseudo-random bytes, weighted towards CR, LF and ".". */
  function randomMessage(seed: number): Buffer {
    let x = seed * 2654435761;
    const next = () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) % 8;
    const alphabet = [0x0d, 0x0a, 0x2e, 0x2e, 0x41, 0x20, 0x0a, 0x0d];
    return Buffer.from(Array.from({ length: 1 + (seed % 60) }, () => alphabet[next()]!));
  }
  const naiveWire = (raw: Buffer) => {
    const text = raw.toString('latin1');
    if (text === '') return '';
    const parts = text.split('\n');
    const last = parts.pop()!;
    return parts.map((l) => `${l.endsWith('\r') ? l.slice(0, -1) : l}\r\n`).join('') + (last === '' ? '' : `${last}\r\n`);
  };
  const naiveStuff = (wire: string) =>
    wire
      .split('\r\n')
      .slice(0, -1)
      .map((l) => `${l.startsWith('.') ? '.' : ''}${l}\r\n`)
      .join('') + '.\r\n';

  it('agree on 2,000 random messages', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const raw = randomMessage(seed);
      const wire = toWireMessage(raw);
      expect(s(wire)).toBe(naiveWire(raw));
      expect(wireSize(raw)).toBe(wire.length);
      expect(s(dotStuff(wire))).toBe(naiveStuff(s(wire)));
      expect(s(undotStuff(dotStuff(wire)))).toBe(s(wire));
    }
  });
});
