import { describe, expect, it } from 'vitest';
import { levelsFor, spamAction, spamFields } from './spam-verdict';

const levels = { junk: 5, quarantine: 10, reject: 15 };

describe('spam verdict', () => {
  it('maps a score to inbox, junk, quarantine or reject at the levels (inclusive)', () => {
    expect(spamAction(4.9, levels)).toBe('inbox');
    expect(spamAction(5, levels)).toBe('junk');
    expect(spamAction(10, levels)).toBe('quarantine');
    expect(spamAction(15, levels)).toBe('reject');
    expect(spamAction(-3, levels)).toBe('inbox');
  });

  it('takes the account or domain thresholds where set, the defaults elsewhere', () => {
    expect(levelsFor(levels, { junk: 3, quarantine: null, reject: 30 })).toEqual({ junk: 3, quarantine: 10, reject: 30 });
    expect(levelsFor(levels, undefined)).toEqual(levels);
  });

  it('writes SpamAssassin-style fields, folding a long test list', () => {
    expect(spamFields({ score: 1.04, symbols: [], levels })).toEqual(['X-Spam-Score: 1.0', 'X-Spam-Status: No, score=1.0 required=5.0 tests=none']);
    const symbols = ['MISSING_DATE', 'FROM_REPLYTO_MISMATCH', 'HTML_ONLY', 'SUBJ_ALL_CAPS', 'URL_SHORTENER', 'DMARC_FAIL'].map((name) => ({ name, score: 1 }));
    const fields = spamFields({ score: 12.345, symbols: [...symbols, { name: 'BAYES_SPAM', score: 5.5, detail: '0.9990' }], levels });
    expect(fields[0]).toBe('X-Spam-Flag: YES');
    expect(fields[1]).toBe('X-Spam-Score: 12.3');
    const status = fields[2]!;
    expect(status.split('\r\n').every((l) => l.length <= 78)).toBe(true);
    expect(status.split('\r\n').slice(1).every((l) => l.startsWith('\t'))).toBe(true);
    expect(status.replace(/\r\n\t/g, '')).toBe('X-Spam-Status: Yes, score=12.3 required=5.0 tests=MISSING_DATE,FROM_REPLYTO_MISMATCH,HTML_ONLY,SUBJ_ALL_CAPS,URL_SHORTENER,DMARC_FAIL,BAYES_SPAM(0.9990)');
  });
});
