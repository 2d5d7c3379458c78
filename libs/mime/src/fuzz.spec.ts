import { describe, expect, it } from 'vitest';
import { allParts, corpusNames, fixture, offsetProblems } from './__fixtures__/helpers';
import { decodePartBody } from './decode';
import { LIMITS } from './limits';
import { parseMessage, parseMessageOrThrow } from './parse-message';
import { parsePartId, sectionBytes, sectionBytesOrThrow } from './section';
import type { BodyPart, SectionKind } from './types';

/** mulberry32: small, fast, deterministic (libs/testing has the same for tests above the foundation layer, which may not import it) */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS: SectionKind[] = ['ALL', 'HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME'];

function depthOf(root: BodyPart): number {
  let max = 0;
  const stack: [BodyPart, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [p, d] = stack.pop()!;
    max = Math.max(max, d);
    for (const c of p.children) stack.push([c, d + 1]);
    if (p.message) stack.push([p.message.body, d + 1]);
  }
  return max;
}

/**
 * Everything a mutated message must satisfy. Uses the throwing variants so an internal
 * error is a failure instead of being absorbed by the safety net.
 */
function check(raw: Buffer): BodyPart {
  const m = parseMessageOrThrow(raw);
  const problems = offsetProblems(raw, m.body);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const json = JSON.stringify(m);
  // jsonb takes neither U+0000 nor lone surrogates (which JSON.stringify escapes as \udXXX)
  if (json.includes('\\u0000') || /\\ud[89a-f][0-9a-f]{2}/i.test(json)) throw new Error('NUL or lone surrogate in output');
  for (const { part, addressable } of allParts(m.body)) {
    if (part.children.length === 0) decodePartBody(raw, part);
    if (!addressable) continue;
    const path = parsePartId(part.partId);
    if (path === null) throw new Error(`bad partId ${part.partId}`);
    const body = sectionBytesOrThrow(raw, m, { part: path, kind: 'ALL' });
    if (path.length > 0 && !body.equals(raw.subarray(part.bodyStart, part.bodyEnd))) throw new Error(`BODY[${part.partId}] mismatch`);
    for (const kind of KINDS) sectionBytesOrThrow(raw, m, { part: path, kind, fields: ['subject', 'FROM', 'content-type'] });
  }
  return m.body;
}

const corpus = corpusNames().map(fixture);

function lines(buf: Buffer): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) {
    out.push([start, i + 1]);
    start = i + 1;
  }
  if (start < buf.length) out.push([start, buf.length]);
  return out;
}

function mutate(input: Buffer, rnd: () => number): Buffer {
  const int = (n: number): number => Math.floor(rnd() * n);
  const bytes = (n: number, lo: number, hi: number): Buffer => Buffer.from(Array.from({ length: n }, () => lo + int(hi - lo + 1)));
  const insert = (buf: Buffer, at: number, what: Buffer): Buffer => Buffer.concat([buf.subarray(0, at), what, buf.subarray(at)]);
  let buf = input;
  const rounds = 1 + int(3);
  for (let r = 0; r < rounds; r++) {
    const op = int(12);
    const at = int(buf.length + 1);
    switch (op) {
      case 0: {
        // byte flips
        buf = Buffer.from(buf);
        for (let k = 1 + int(8); k > 0 && buf.length > 0; k--) buf[int(buf.length)] = int(256);
        break;
      }
      case 1:
        buf = buf.subarray(0, at);
        break;
      case 2: {
        // duplicate a delimiter-looking line
        const ls = lines(buf).filter(([s]) => buf[s] === 0x2d && buf[s + 1] === 0x2d);
        if (ls.length > 0) {
          const [s, e] = ls[int(ls.length)]!;
          buf = insert(buf, e, buf.subarray(s, e));
        }
        break;
      }
      case 3: {
        // remove a delimiter-looking line
        const ls = lines(buf).filter(([s]) => buf[s] === 0x2d && buf[s + 1] === 0x2d);
        if (ls.length > 0) {
          const [s, e] = ls[int(ls.length)]!;
          buf = Buffer.concat([buf.subarray(0, s), buf.subarray(e)]);
        }
        break;
      }
      case 4:
        buf = insert(buf, at, Buffer.alloc(1 + int(20)));
        break;
      case 5:
        buf = insert(buf, at, bytes(1 + int(40), 0x80, 0xff));
        break;
      case 6: {
        // header garbage near the top: no colon, lone continuation, junk name, 8-bit value
        const junk = [
          Buffer.from('no colon here\r\n'),
          Buffer.from('   lone continuation\r\n'),
          Buffer.concat([Buffer.from('X-'), bytes(1 + int(30), 0x21, 0x7e), Buffer.from(': '), bytes(int(60), 0, 0xff), Buffer.from('\r\n')]),
          Buffer.from('Content-Type: multipart/mixed; boundary=\r\n'),
          Buffer.from('Content-Type: message/rfc822\r\n'),
          Buffer.from(`Content-Type: multipart/${rnd() < 0.5 ? 'digest' : 'alternative'}; boundary="--"\r\n`),
          Buffer.from('Content-Transfer-Encoding: quoted-printable\r\n'),
          Buffer.from('Content-Type: text/plain; name*0*=utf-8\'\'%E2%82; name*1*=%AC; charset=x-unknown\r\n'),
          Buffer.from('Subject: =?utf-8?B?broken?= =?x-nope?Q?=FF?= =?gb2312?B?1tDOxA=?=\r\n'),
          Buffer.from('From: a:b:c:d;;;, <<>>, "unterminated\r\n'),
        ][int(10)]!;
        const ls = lines(buf);
        const line = ls.length > 0 ? ls[int(Math.min(ls.length, 12))]![0] : 0;
        buf = insert(buf, line, junk);
        break;
      }
      case 7:
        buf = Buffer.from(buf.toString('latin1').replace(/\r\n/g, rnd() < 0.5 ? '\n' : '\r'), 'latin1');
        break;
      case 8: {
        const other = corpus[int(corpus.length)]!;
        buf = Buffer.concat([buf.subarray(0, at), other.subarray(int(other.length + 1))]);
        break;
      }
      case 9: {
        const s = int(buf.length + 1);
        buf = insert(buf, at, buf.subarray(s, s + int(400)));
        break;
      }
      case 10:
        buf = Buffer.concat([
          Buffer.from('Content-Type: multipart/mixed; boundary=w\r\n\r\n--w\r\nContent-Type: message/rfc822\r\n\r\n'),
          buf,
          Buffer.from(rnd() < 0.5 ? '\r\n--w--\r\n' : ''),
        ]);
        break;
      default:
        buf = insert(buf, at, Buffer.from(['\r\n', '\r\n\r\n', '--', '=', '=\r\n', '\n\n--'][int(6)]!));
    }
  }
  return buf;
}

function nestedMultipart(levels: number): Buffer {
  let inner = 'Content-Type: text/plain\r\n\r\nleaf';
  for (let d = levels; d >= 1; d--) inner = `Content-Type: multipart/mixed; boundary=b${d}\r\n\r\n--b${d}\r\n${inner}\r\n--b${d}--`;
  return Buffer.from(`Subject: deep\r\n${inner}\r\n`);
}

function nestedRfc822(levels: number): Buffer {
  let inner = 'Subject: innermost\r\n\r\nleaf';
  for (let d = 0; d < levels; d++) inner = `Subject: level ${d}\r\nContent-Type: message/rfc822\r\n\r\n${inner}`;
  return Buffer.from(inner);
}

describe('fuzz: mutated corpus', () => {
  // The timeouts here only catch a hang; the work bounds are the tests' own assertions.
  it('5,000 deterministic mutations never break the invariants', { timeout: 120_000 }, () => {
    const rnd = prng(0x6d61696c);
    let multipart = 0;
    let embedded = 0;
    for (let i = 0; i < 5000; i++) {
      const base = corpus[i % corpus.length]!;
      const raw = mutate(base, rnd);
      try {
        const body = check(raw);
        const parts = allParts(body);
        if (parts.some((p) => p.part.type === 'multipart')) multipart++;
        if (parts.some((p) => p.part.message)) embedded++;
      } catch (error) {
        throw new Error(`mutation ${i}: ${(error as Error).message}\n${raw.toString('latin1').slice(0, 2000)}`, { cause: error });
      }
    }
    // the mutations must leave enough structure to exercise the structure code
    expect(multipart).toBeGreaterThan(1000);
    expect(embedded).toBeGreaterThan(400);
  });

  it('the safe entry points never throw, whatever they are handed', () => {
    const odd: unknown[] = [Buffer.alloc(0), new Uint8Array([0x41, 0x3a, 0x0a]), Buffer.from('\r\n\r\n\r\n'), Buffer.alloc(64, 0)];
    for (const raw of odd) {
      const m = parseMessage(raw as Buffer);
      expect(offsetProblems(Buffer.from(raw as Uint8Array), m.body)).toEqual([]);
      expect(sectionBytes(raw as Buffer, m, { part: [1, 2, 3], kind: 'HEADER.FIELDS' }).length).toBe(0);
    }
    const m = parseMessage(Buffer.from('Subject: x\r\n\r\ny'));
    expect(sectionBytes(Buffer.from('x'), { ...m.body, children: null } as unknown as BodyPart, { part: [1, 1], kind: 'ALL' }).length).toBe(0);
  });
});

describe('fuzz: generated extremes', () => {
  it('a 200-level multipart is cut at the depth limit', () => {
    const raw = nestedMultipart(200);
    const m = parseMessageOrThrow(raw);
    expect(depthOf(m.body)).toBeLessThanOrEqual(LIMITS.maxDepth);
    expect(offsetProblems(raw, m.body)).toEqual([]);
    check(raw);
  });

  it('a 200-level message/rfc822 nest is cut at the depth limit', () => {
    const raw = nestedRfc822(200);
    const m = parseMessageOrThrow(raw);
    expect(depthOf(m.body)).toBeLessThanOrEqual(LIMITS.maxDepth);
    expect(m.subject).toBe('level 199');
    check(raw);
  });

  it('20,000 parts are capped at LIMITS.maxParts', () => {
    const raw = Buffer.from(`Content-Type: multipart/mixed; boundary=x\r\n\r\n${'--x\r\n\r\np\r\n'.repeat(20000)}--x--\r\n`);
    const m = parseMessageOrThrow(raw);
    expect(allParts(m.body).length).toBeLessThanOrEqual(LIMITS.maxParts);
    expect(m.body.children.length).toBeGreaterThan(1000);
    expect(offsetProblems(raw, m.body)).toEqual([]);
  });

  // Catastrophic backtracking and quadratic loops show as growth, not as a slow machine: each
  // input is checked at size n and 4n, and the work (this process's CPU time, best of three,
  // sizes interleaved) may grow at most 10x where linear work grows 4x and quadratic 16x.
  it('pathological headers and bodies take work linear in their size', { timeout: 120_000 }, () => {
    const cases: [string, (n: number) => Buffer][] = [
      ['one long header line', (n) => Buffer.from(`Subject: ${'a'.repeat(750_000 * n)}\r\n\r\nbody`)],
      ['many header fields', (n) => Buffer.from(`${'X-A: b\r\n'.repeat(25_000 * n)}\r\nbody`)],
      ['encoded words and addresses', (n) => Buffer.from(`Subject: ${'=?utf-8?B?w6Q=?= '.repeat(5_000 * n)}\r\nTo: ${'a@b.c, '.repeat(5_000 * n)}\r\n\r\n`)],
      ['parameter soup', (n) => Buffer.from(`Content-Type: text/plain; ${'a=('.repeat(12_500 * n)}\r\nContent-Disposition: attachment; ${'filename*0*=x; '.repeat(1_250 * n)}\r\n\r\n`)],
      ['delimiters only', (n) => Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\n'.repeat(50_000 * n)}`)],
      ['quoted-printable soft breaks', (n) => Buffer.from(`Content-Transfer-Encoding: quoted-printable\r\n\r\n${'= '.repeat(125_000 * n)}${' '.repeat(125_000 * n)}x`)],
      ['broken HTML', (n) => Buffer.from(`Content-Type: text/html\r\n\r\n${'<a '.repeat(50_000 * n)}${'&amp'.repeat(25_000 * n)}<script>${'<'.repeat(25_000 * n)}`)],
      ['long boundary, near misses', (n) => Buffer.from(`Content-Type: multipart/mixed; boundary=${'b'.repeat(70)}\r\n\r\n${`--${'b'.repeat(69)}\r\n`.repeat(5_000 * n)}`)],
      ['address and date junk', (n) => Buffer.from(`From: ${'a:'.repeat(5_000 * n)}${';'.repeat(5_000 * n)}\r\nDate: ${'1 '.repeat(25_000 * n)}\r\n\r\n`)],
      ['bare line feeds', (n) => Buffer.alloc(500_000 * n, 0x0a)],
      ['spaces', (n) => Buffer.alloc(500_000 * n, 0x20)],
    ];
    const cpuMs = (raw: Buffer): number => {
      const started = process.cpuUsage();
      check(raw);
      const used = process.cpuUsage(started);
      return (used.user + used.system) / 1000;
    };
    for (const [name, build] of cases) {
      const small = build(0.25);
      const large = build(1);
      let smallMs = Infinity;
      let largeMs = Infinity;
      for (let round = 0; round < 3; round++) {
        smallMs = Math.min(smallMs, cpuMs(small));
        largeMs = Math.min(largeMs, cpuMs(large));
      }
      // below a few milliseconds the clock's granularity and GC dominate: growth says nothing there
      const floorMs = 5;
      expect(largeMs, `${name}: ${smallMs.toFixed(1)} ms at n, ${largeMs.toFixed(1)} ms at 4n`).toBeLessThanOrEqual(10 * Math.max(smallMs, floorMs));
    }
  });
});
