import { describe, expect, it } from 'vitest';
import { baseSubject, compareAsciiCasemap, extractBaseSubject } from './base-subject';

describe('base subject (RFC 5256 section 2.1)', () => {
  it.each([
    ['Re: hello', 'hello'],
    ['RE: Re: re: hello', 'hello'],
    ['Fwd: hello', 'hello'],
    ['FW: hello', 'hello'],
    ['fw:hello', 'hello'],
    ['Re[2]: hello', 'hello'],
    ['Re [2]: hello', 'hello'],
    ['Re : hello', 'hello'],
    ['[list] Re: hello', 'hello'],
    ['[list][other] Re: [list] Re: hello', 'hello'],
    ['[list] hello', 'hello'],
    ['hello (fwd)', 'hello'],
    ['hello (FWD) (fwd)  ', 'hello'],
    ['[Fwd: Re: hello]', 'hello'],
    ['[fwd: [fwd: hello (fwd)]]', 'hello'],
    ['  hello \t world  ', 'hello world'],
    ['hello\r\n world', 'hello world'],
    ['Re: hello (fwd)', 'hello'],
    ['Re: Fwd: [list] Re: hello', 'hello'],
  ])('%j -> %j', (subject, base) => {
    expect(baseSubject(subject)).toBe(base);
  });

  it('keeps a blob that is the whole subject (step 4: the remainder must be non-empty)', () => {
    expect(baseSubject('[only a blob]')).toBe('[only a blob]');
    expect(baseSubject('Re: [only a blob]')).toBe('[only a blob]');
    expect(baseSubject('[a] [b]')).toBe('[b]');
  });

  it('does not strip words that merely start like a prefix', () => {
    expect(baseSubject('Report: numbers')).toBe('Report: numbers');
    expect(baseSubject('Fwiw: ok')).toBe('Fwiw: ok');
    expect(baseSubject('Re hello')).toBe('Re hello');
    expect(baseSubject('hello(fwd)x')).toBe('hello(fwd)x');
  });

  it('an unterminated [fwd: wrapper is not a wrapper (step 6)', () => {
    expect(baseSubject('[fwd: hello')).toBe('[fwd: hello');
  });

  it('decodes RFC 2047 words first (step 1)', () => {
    expect(baseSubject('=?UTF-8?B?UmU6IGjDqWxsbw==?=')).toBe('héllo');
    expect(baseSubject('Re: =?ISO-8859-1?Q?Caf=E9?= (fwd)')).toBe('Café');
    expect(baseSubject('=?utf-8?q?=5Bliste_=C3=A9l=C3=A8ves=5D?= Re: note')).toBe('note');
  });

  it('handles empty, missing and non-ASCII subjects', () => {
    expect(baseSubject(null)).toBe('');
    expect(baseSubject('')).toBe('');
    expect(baseSubject('Re: ')).toBe('');
    expect(baseSubject('Re: 日本語の件名')).toBe('日本語の件名');
    expect(baseSubject('[ニュース] 見出し')).toBe('見出し');
    expect(baseSubject('Re: 😀 smile')).toBe('😀 smile');
  });

  it('flags replies and forwards (section 2.1, last paragraph)', () => {
    expect(extractBaseSubject('Re: x').isReplyOrForward).toBe(true);
    expect(extractBaseSubject('x (fwd)').isReplyOrForward).toBe(true);
    expect(extractBaseSubject('[fwd: x]').isReplyOrForward).toBe(true);
    expect(extractBaseSubject('[list] x').isReplyOrForward).toBe(false);
    expect(extractBaseSubject('  x  ').isReplyOrForward).toBe(false);
  });

  it('stays fast on hostile input', () => {
    const hostile = 'Re: '.repeat(50_000) + '['.repeat(10_000) + ' x';
    expect(baseSubject(hostile).length).toBeLessThan(10_001);
  });
});

describe('i;ascii-casemap (RFC 4790 section 9.2)', () => {
  it('folds only ASCII letters and compares UTF-8 octets', () => {
    expect(compareAsciiCasemap('abc', 'ABC')).toBe(0);
    expect(compareAsciiCasemap('é', 'É')).not.toBe(0);
    expect(compareAsciiCasemap('a', 'B')).toBeLessThan(0);
    // "_" (0x5F) sorts after upper-cased letters, as in Dovecot and Cyrus.
    expect(compareAsciiCasemap('_', 'a')).toBeGreaterThan(0);
    // Octet order: U+FF5E (EF BD 9E) before U+1F600 (F0 9F 98 80), unlike UTF-16 code units.
    expect(compareAsciiCasemap('\uff5e', '\u{1f600}')).toBeLessThan(0);
  });
});
