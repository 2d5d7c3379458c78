import { describe, expect, it } from 'vitest';
import { flagName, flagProblem, isFlagKeyword } from './flags';

describe('isFlagKeyword (RFC 9051 9 flag-keyword = atom)', () => {
  it('takes what real clients set', () => {
    for (const k of ['$Forwarded', '$MDNSent', '$Junk', 'NonJunk', '$label1', '$MailFlagBit0', 'Work-2026', 'a.b+c/d:e', '~}!#&\'<>=?@^_`|']) {
      expect(isFlagKeyword(k), k).toBe(true);
    }
  });
  it('refuses atom-specials, "[", 8-bit and empty keywords', () => {
    for (const k of ['', 'has space', 'tab\there', 'nul\0', 'del\x7f', '(x', 'x)', '{3}', '50%', 'a*', 'quo"te', 'back\\slash', 'close]', 'open[', 'Wichtig→', 'été', '重要']) {
      expect(isFlagKeyword(k), JSON.stringify(k)).toBe(false);
    }
  });
});

describe('flagProblem and flagName', () => {
  it('accepts the settable system flags in any case and keywords', () => {
    for (const f of ['\\Seen', '\\seen', '\\ANSWERED', '\\Flagged', '\\Deleted', '\\Draft', '$Important']) expect(flagProblem(f), f).toBeUndefined();
  });
  it('says what is wrong, non-ASCII keywords included', () => {
    expect(flagProblem('\\Recent')).toMatch(/not a system flag a client may set/);
    expect(flagProblem('\\Custom')).toMatch(/not a system flag/);
    expect(flagProblem('Wichtig→')).toBe('"Wichtig→" is not a keyword: IMAP keywords are ASCII only');
    expect(flagProblem('bad word')).toMatch(/^"bad word" is not a keyword: no spaces/);
  });
  it('carries the message into the schema issue', () => {
    const result = flagName.safeParse('été');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('"été" is not a keyword: IMAP keywords are ASCII only');
    expect(flagName.safeParse('$Forwarded').success).toBe(true);
  });
});
