import { describe, expect, it } from 'vitest';
import { corpusNames, fixture } from './__fixtures__/helpers';
import { parseMessage } from './parse-message';
import { withPrependedFields } from './prepend-fields';

const FIELDS = ['Return-Path: <sender@remote.example>', 'Delivered-To: bob@example.test'];
const prepend = (raw: Buffer, fields: readonly string[]) => Buffer.concat([Buffer.from(fields.map((f) => `${f}\r\n`).join(''), 'latin1'), raw]);

/** Deterministic variants of a message: as is, bare LF, truncated, with junk bytes inside. */
function variants(raw: Buffer, seed: number): Buffer[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const at = () => Math.floor(rnd() * (raw.length + 1));
  const cut = at();
  const junkAt = at();
  return [
    raw,
    Buffer.from(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'),
    raw.subarray(0, cut),
    Buffer.concat([raw.subarray(0, junkAt), Buffer.from([0, 0xff, 0x0a, 0x2d, 0x2d, 0x0d]), raw.subarray(junkAt)]),
  ];
}

describe('withPrependedFields', () => {
  it('answers what parsing the prepended bytes answers, for the whole corpus and broken variants', () => {
    let compared = 0;
    for (const [n, name] of corpusNames().entries()) {
      for (const raw of variants(fixture(name), n + 1)) {
        const prepended = prepend(raw, FIELDS);
        expect(withPrependedFields(parseMessage(raw), FIELDS, prepended), name).toEqual(parseMessage(prepended));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(100);
  });

  it('shifts every part offset, nested messages included, and keeps the header at 0', () => {
    const raw = fixture(corpusNames().find((n) => parseMessage(fixture(n)).body.children.some((c) => c.message))!);
    const prepended = prepend(raw, FIELDS);
    const base = parseMessage(raw);
    const derived = withPrependedFields(base, FIELDS, prepended);
    const shift = prepended.length - raw.length;
    const before = base.body.children.find((c) => c.message)!;
    const after = derived.body.children.find((c) => c.message)!;
    expect(derived.body.headerStart).toBe(0);
    expect(derived.headerEnd).toBe(base.headerEnd + shift);
    expect(after.headerStart).toBe(before.headerStart + shift);
    expect(after.message!.body.bodyStart).toBe(before.message!.body.bodyStart + shift);
    // the shifted offsets address the same bytes in the new message
    expect(prepended.subarray(after.bodyStart, after.bodyEnd)).toEqual(raw.subarray(before.bodyStart, before.bodyEnd));
    expect(derived.headers.slice(0, 2)).toEqual([
      { key: 'return-path', value: '<sender@remote.example>' },
      { key: 'delivered-to', value: 'bob@example.test' },
    ]);
  });

  it('parses afresh when a prepended field is one the parse reads', () => {
    const raw = fixture(corpusNames()[0]!);
    const fields = ['Subject: injected on top'];
    const prepended = prepend(raw, fields);
    expect(withPrependedFields(parseMessage(raw), fields, prepended).subject).toBe(parseMessage(prepended).subject);
    expect(withPrependedFields(parseMessage(raw), fields, prepended)).toEqual(parseMessage(prepended));
  });
});
