import { describe, expect, it } from 'vitest';
import { entryMatches, isPrivateEntry, MetadataSyntaxError, normalizeEntryName, parseDepth } from './metadata';

describe('METADATA entry names (RFC 5464 section 3.2)', () => {
  it('accepts and lower-cases valid names', () => {
    expect(normalizeEntryName('/Private/Comment', 'set')).toBe('/private/comment');
    expect(normalizeEntryName('/shared/vendor/acme/x', 'set')).toBe('/shared/vendor/acme/x');
    expect(normalizeEntryName('/private', 'get')).toBe('/private');
    expect(isPrivateEntry('/private/comment')).toBe(true);
    expect(isPrivateEntry('/privatex')).toBe(false);
    expect(isPrivateEntry('/shared/comment')).toBe(false);
  });

  it.each([
    ['', 'get'],
    ['private/comment', 'get'],
    ['/private/', 'get'],
    ['/private//comment', 'get'],
    ['/private/com*ment', 'get'],
    ['/private/com%', 'get'],
    ['/private/caf\u00e9', 'get'],
    ['/private/a\u0010b', 'get'],
    ['/other/comment', 'get'],
    ['/private', 'set'],
    ['/shared/vendor/acme', 'set'],
    ['/' + 'a'.repeat(2000), 'get'],
  ] as const)('rejects %j for %s', (name, purpose) => {
    expect(() => normalizeEntryName(name, purpose)).toThrow(MetadataSyntaxError);
  });

  it('parses DEPTH and matches entries at each depth (section 4.2.2)', () => {
    expect(parseDepth('Infinity')).toBe('infinity');
    expect(() => parseDepth('2')).toThrow(MetadataSyntaxError);
    expect(entryMatches('/a', '/a', '0')).toBe(true);
    expect(entryMatches('/a', '/a/b', '0')).toBe(false);
    expect(entryMatches('/a', '/a/b', '1')).toBe(true);
    expect(entryMatches('/a', '/a/b/c', '1')).toBe(false);
    expect(entryMatches('/a', '/a/b/c', 'infinity')).toBe(true);
    expect(entryMatches('/a', '/ab', 'infinity')).toBe(false);
  });
});
