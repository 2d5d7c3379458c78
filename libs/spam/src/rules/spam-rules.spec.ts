import { describe, expect, it } from 'vitest';
import { authVerdict, NO_AUTH_VERDICT, type AuthVerdict } from './auth-results';
import { messageFeatures } from './message-features';
import { runRules, SPAM_RULES, type RuleInput } from './spam-rules';

const NOW = new Date('2026-12-04T12:00:00Z');

function message(headers: Record<string, string | null>, body = 'Hello there.\r\n', contentType = 'text/plain; charset=utf-8'): Buffer {
  const base: Record<string, string | null> = {
    From: 'Alice <alice@sender.example>',
    To: 'bob@mailstead.test',
    Subject: 'Lunch tomorrow',
    Date: 'Fri, 04 Dec 2026 11:00:00 +0000',
    'Message-ID': '<1@sender.example>',
    'Content-Type': contentType,
    ...headers,
  };
  const lines = Object.entries(base).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

function fired(raw: Buffer, opts: { auth?: AuthVerdict; local?: string[] } = {}): Map<string, string | undefined> {
  const input: RuleInput = { features: messageFeatures(raw), auth: opts.auth ?? NO_AUTH_VERDICT, localDomains: new Set(opts.local ?? ['mailstead.test']), now: NOW };
  return new Map(runRules(input).map((s) => [s.name, s.detail]));
}

describe('spam rules', () => {
  it('an ordinary message fires nothing', () => {
    expect([...fired(message({})).keys()]).toEqual([]);
  });

  it('every rule has a unique name and a positive weight', () => {
    expect(new Set(SPAM_RULES.map((r) => r.name)).size).toBe(SPAM_RULES.length);
    for (const r of SPAM_RULES) expect(r.score).toBeGreaterThan(0);
  });

  it('MISSING_DATE, MISSING_MID, MISSING_SUBJECT', () => {
    const hits = fired(message({ Date: null, 'Message-ID': null, Subject: null }));
    expect([...hits.keys()].sort()).toEqual(['MISSING_DATE', 'MISSING_MID', 'MISSING_SUBJECT']);
  });

  it('DATE_IN_FUTURE beyond 12 hours, not within', () => {
    expect(fired(message({ Date: 'Sat, 05 Dec 2026 06:00:00 +0000' })).has('DATE_IN_FUTURE')).toBe(true);
    expect(fired(message({ Date: 'Fri, 04 Dec 2026 20:00:00 +0000' })).has('DATE_IN_FUTURE')).toBe(false);
  });

  it('DATE_IN_PAST beyond 96 hours', () => {
    expect(fired(message({ Date: 'Sun, 29 Nov 2026 11:00:00 +0000' })).has('DATE_IN_PAST')).toBe(true);
    expect(fired(message({ Date: 'Wed, 02 Dec 2026 11:00:00 +0000' })).has('DATE_IN_PAST')).toBe(false);
  });

  it('FROM_REPLYTO_MISMATCH names both domains; same domain does not fire', () => {
    expect(fired(message({ 'Reply-To': 'x@elsewhere.example' })).get('FROM_REPLYTO_MISMATCH')).toBe('sender.example -> elsewhere.example');
    expect(fired(message({ 'Reply-To': 'other@Sender.example' })).has('FROM_REPLYTO_MISMATCH')).toBe(false);
  });

  it('HTML_ONLY for text/html alone, not for multipart/alternative with text', () => {
    expect(fired(message({}, '<p>Hi</p>', 'text/html')).has('HTML_ONLY')).toBe(true);
    const alt = 'multipart/alternative; boundary=b';
    const body = '--b\r\nContent-Type: text/plain\r\n\r\nHi\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n--b--\r\n';
    expect(fired(message({}, body, alt)).has('HTML_ONLY')).toBe(false);
  });

  it('SUBJ_ALL_CAPS needs ten capital letters', () => {
    expect(fired(message({ Subject: 'FREE MONEY NOW!!!' })).has('SUBJ_ALL_CAPS')).toBe(true);
    expect(fired(message({ Subject: 'FREE CASH' })).has('SUBJ_ALL_CAPS')).toBe(false);
    expect(fired(message({ Subject: 'Free money now' })).has('SUBJ_ALL_CAPS')).toBe(false);
    expect(fired(message({ Subject: '=?utf-8?B?w5xCRVJSQVNDSFVORyBGw5xSIFNJRQ==?=' })).has('SUBJ_ALL_CAPS')).toBe(true);
  });

  it('URL_SHORTENER in text and behind HTML anchor text', () => {
    expect(fired(message({}, 'see https://bit.ly/abc.\r\n')).get('URL_SHORTENER')).toBe('bit.ly');
    expect(fired(message({}, '<a href="https://www.tinyurl.com/x">click</a>', 'text/html')).get('URL_SHORTENER')).toBe('www.tinyurl.com');
    expect(fired(message({}, 'see https://bitly.example.org/abc\r\n')).has('URL_SHORTENER')).toBe(false);
  });

  it('MANY_TO_RECIPIENTS from twenty To/Cc addresses', () => {
    const many = Array.from({ length: 20 }, (_, i) => `u${i}@x.example`);
    expect(fired(message({ To: many.slice(0, 12).join(', '), Cc: many.slice(12).join(', ') })).get('MANY_TO_RECIPIENTS')).toBe('20');
    expect(fired(message({ To: many.slice(0, 19).join(', ') })).has('MANY_TO_RECIPIENTS')).toBe(false);
  });

  it('SPF, DKIM and DMARC results from our Authentication-Results', () => {
    const auth = authVerdict(['mx.mailstead.test; spf=softfail (mx: domain of a@b does not designate 1.2.3.4) smtp.mailfrom=a@b; dkim=fail (bad signature) header.d=b; dmarc=fail (p=reject) header.from=b'], 'mx.mailstead.test');
    expect(auth).toEqual({ spf: 'softfail', dkim: ['fail'], dmarc: 'fail' });
    const hits = fired(message({}), { auth });
    expect([...hits.keys()].sort()).toEqual(['DKIM_FAIL', 'DMARC_FAIL', 'SPF_SOFTFAIL']);
    expect(fired(message({}), { auth: { spf: 'fail', dkim: ['fail', 'pass'], dmarc: 'pass' } }).has('DKIM_FAIL')).toBe(false);
    expect(fired(message({}), { auth: { spf: 'fail', dkim: [], dmarc: null } }).has('SPF_FAIL')).toBe(true);
  });

  it('Authentication-Results of another host, or a comment faking a result, are not believed', () => {
    expect(authVerdict(['evil.example; spf=fail; dmarc=fail'], 'mx.mailstead.test')).toEqual({ spf: null, dkim: [], dmarc: null });
    expect(authVerdict(['mx.mailstead.test; spf=pass (dmarc=fail; x) smtp.mailfrom=a@b'], 'mx.mailstead.test')).toEqual({ spf: 'pass', dkim: [], dmarc: null });
  });

  it('FORGED_OUR_DOMAIN: our From domain from outside with nothing passing', () => {
    const ours = message({ From: 'ceo@mailstead.test' });
    expect(fired(ours).get('FORGED_OUR_DOMAIN')).toBe('mailstead.test');
    expect(fired(ours, { auth: { spf: 'none', dkim: ['pass'], dmarc: null } }).has('FORGED_OUR_DOMAIN')).toBe(false);
    expect(fired(message({})).has('FORGED_OUR_DOMAIN')).toBe(false);
  });
});
