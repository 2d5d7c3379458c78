import { describe, expect, it } from 'vitest';
import { parseFetchItems, parseSection } from './fetch-items';

const atom = (value: string) => ({ kind: 'atom' as const, value });

describe('FETCH items (RFC 3501 6.4.5)', () => {
  it('expands macros', () => {
    expect(parseFetchItems(atom('FAST')).map((i) => i.type)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
    expect(parseFetchItems(atom('full')).map((i) => i.type)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY']);
  });

  it('parses every section form with partials', () => {
    expect(parseFetchItems(atom('BODY.PEEK[HEADER.FIELDS (Date From)]<0.100>'))).toEqual([
      { type: 'section', peek: true, section: { part: [], kind: 'HEADER.FIELDS', fields: ['Date', 'From'] }, label: 'HEADER.FIELDS (Date From)', partial: { start: 0, length: 100 } },
    ]);
    expect(parseSection('')).toEqual({ section: { part: [], kind: 'ALL', fields: undefined }, label: '' });
    expect(parseSection('1.2')).toEqual({ section: { part: [1, 2], kind: 'ALL', fields: undefined }, label: '1.2' });
    expect(parseSection('1.2.MIME').section).toEqual({ part: [1, 2], kind: 'MIME', fields: undefined });
    expect(parseSection('3.header').label).toBe('3.HEADER');
    expect(parseSection('TEXT').section.kind).toBe('TEXT');
    expect(parseSection('2.HEADER.FIELDS.NOT (X-A)').section).toEqual({ part: [2], kind: 'HEADER.FIELDS.NOT', fields: ['X-A'] });
  });

  it('rejects malformed items', () => {
    for (const bad of ['BODY[MIME]', 'BODY[0]', 'BODY[1HEADER]', 'BODY[HEADER.FIELDS]', 'BODY[HEADER.FIELDS ()]', 'BODY[]<1.0>', 'BODY[TEXT', 'FOO', 'BODY[TEXT] (x)']) {
      expect(() => parseFetchItems(atom(bad)), bad).toThrow();
    }
    expect(() => parseFetchItems({ kind: 'list', items: [] })).toThrow();
  });
});
