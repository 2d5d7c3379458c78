import { describe, expect, it } from 'vitest';
import { parseSearch, SearchSyntaxError, tokenize } from './search-query';

describe('webmail search syntax', () => {
  it('keeps quoted phrases together, also after an operator', () => {
    expect(tokenize('hello subject:"quarterly report" "two words"')).toEqual(['hello', 'subject:quarterly report', 'two words']);
  });

  it('separates operators from free text', () => {
    expect(parseSearch('invoice from:alice to:Bob subject:"Q3 numbers" has:attachment after:2026-01-01 before:2026-02-01 paid')).toEqual({
      text: ['invoice', 'paid'],
      from: ['alice'],
      to: ['Bob'],
      subject: ['Q3 numbers'],
      hasAttachment: true,
      after: new Date('2026-01-01T00:00:00Z'),
      before: new Date('2026-02-01T00:00:00Z'),
    });
  });

  it('treats unknown prefixes as words', () => {
    expect(parseSearch('re:hello http://x').text).toEqual(['re:hello', 'http://x']);
  });

  it('rejects bad dates, empty operator values and unknown has: values', () => {
    expect(() => parseSearch('before:2026-02-30')).toThrow(SearchSyntaxError);
    expect(() => parseSearch('after:yesterday')).toThrow(SearchSyntaxError);
    expect(() => parseSearch('from:')).toThrow(SearchSyntaxError);
    expect(() => parseSearch('has:pictures')).toThrow(SearchSyntaxError);
  });
});
