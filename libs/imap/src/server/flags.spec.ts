import { describe, expect, it } from 'vitest';
import { AnnouncedKeywords, MAX_LISTED_KEYWORD_BYTES, MAX_LISTED_KEYWORDS } from './flags';

describe('AnnouncedKeywords', () => {
  it('grows only with keywords it has not listed, in the order they come; system flags never count', () => {
    const k = new AnnouncedKeywords();
    expect(k.add(['\\Seen', '\\Recent'])).toBe(false);
    expect(k.add(['$Forwarded', 'NonJunk'])).toBe(true);
    expect(k.addAll([['NonJunk'], ['$Forwarded', '\\Flagged']])).toBe(false);
    expect(k.addAll([['NonJunk'], ['Zeta', 'Alpha']])).toBe(true);
    expect(k.list).toEqual(['$Forwarded', 'NonJunk', 'Zeta', 'Alpha']);
  });

  it('answers FLAGS and PERMANENTFLAGS, with \\* when writable and () when read-only (RFC 3501 7.1, 6.3.2)', () => {
    const k = new AnnouncedKeywords();
    expect(k.responses(false)).toEqual(['FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)', 'OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted']);
    k.add(['$label1']);
    expect(k.responses(false)).toEqual([
      'FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $label1)',
      'OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $label1 \\*)] Flags permitted',
    ]);
    expect(k.responses(true)).toEqual(['FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $label1)', 'OK [PERMANENTFLAGS ()] Read-only mailbox']);
  });

  it(`stops at ${MAX_LISTED_KEYWORDS} keywords`, () => {
    const k = new AnnouncedKeywords();
    const names = Array.from({ length: MAX_LISTED_KEYWORDS + 1 }, (_, i) => `k${i}`);
    expect(k.add(names.slice(0, MAX_LISTED_KEYWORDS))).toBe(true);
    expect(k.add(names.slice(MAX_LISTED_KEYWORDS))).toBe(false);
    expect(k.list).toEqual(names.slice(0, MAX_LISTED_KEYWORDS));
  });

  it(`takes keywords while they fit in ${MAX_LISTED_KEYWORD_BYTES} bytes (each with its space), skipping one that does not`, () => {
    const k = new AnnouncedKeywords();
    const exact = 'a'.repeat(MAX_LISTED_KEYWORD_BYTES - 1);
    expect(k.add([exact])).toBe(true);
    expect(k.add(['b'])).toBe(false);
    const other = new AnnouncedKeywords();
    expect(other.add(['a'.repeat(MAX_LISTED_KEYWORD_BYTES)])).toBe(false);
    expect(other.add(['short'])).toBe(true);
    expect(other.list).toEqual(['short']);
  });

  it('lists only keywords that are atoms (the store accepts any string from the web API)', () => {
    const k = new AnnouncedKeywords();
    expect(k.add(['has space', 'a]b', 'q"t', 'p(r', 'c{1', 'pct%', 'st*r', 'x\\y', 'ctl\u0001', 'caf\u00e9', 'ok'])).toBe(true);
    expect(k.list).toEqual(['ok']);
  });
});
