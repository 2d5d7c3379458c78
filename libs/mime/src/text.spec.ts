import { describe, expect, it } from 'vitest';
import { parseDate } from './date';
import { htmlToText } from './html-text';
import { parseMessage } from './parse-message';

describe('htmlToText', () => {
  it('breaks lines at block elements and cells, drops inline markup', () => {
    expect(htmlToText('<div>a<b>b</b>c</div><table><tr><td>x</td><td>y</td></tr></table>')).toBe('abc\n\nx y');
  });
  it('drops script, style, head and comments, even unterminated', () => {
    expect(htmlToText('<style>x{}</style>keep<script>bad()</script> me<!-- gone')).toBe('keep me');
    expect(htmlToText('text <unterminated tag')).toBe('text');
  });
  it('decodes named and numeric references, leaves unknown ones alone', () => {
    expect(htmlToText('&lt;a&gt; &amp; &#233;&#xE9; &bogus; &#0; &#x110000;')).toBe('<a> & éé &bogus;');
  });
});

describe('parseDate (RFC 5322 3.3 and 4.3)', () => {
  it.each([
    ['Fri, 21 Nov 1997 09:55:06 -0600', '1997-11-21T15:55:06.000Z'],
    ['21 Nov 97 09:55:06 GMT', '1997-11-21T09:55:06.000Z'],
    ['Thu, 13 Feb 1969 23:32 -0330 (Newfoundland Time)', '1969-02-14T03:02:00.000Z'],
    ['Mon, 1 Jan 24 10:00:00 EST', '2024-01-01T15:00:00.000Z'],
    ['1 January 2024 10:00:00 +0100', '2024-01-01T09:00:00.000Z'],
    ['2024-03-04T05:06:07Z', '2024-03-04T05:06:07.000Z'],
  ])('%s', (value, iso) => {
    expect(parseDate(value)?.toISOString()).toBe(iso);
  });
  it.each(['', '5', 'yesterday', 'Mon, 99 Foo 2024 10:00'])('rejects %j', (value) => {
    expect(parseDate(value)).toBeNull();
  });
});

describe('search text and preview', () => {
  it('caps the preview at 200 characters with whitespace collapsed', () => {
    const body = `${'word   '.repeat(100)}\r\n\r\n${'more '.repeat(100)}`;
    const m = parseMessage(Buffer.from(`Subject: p\r\n\r\n${body}`));
    expect(m.preview.length).toBe(200);
    expect(m.preview).not.toMatch(/\s\s/);
    expect(m.preview.startsWith('word word word')).toBe(true);
  });
  it('caps the search text', () => {
    const big = 'x'.repeat(1_200_000);
    const m = parseMessage(Buffer.from(`Subject: big\r\n\r\n${big}`));
    expect(m.text.length).toBe(1_000_000);
  });
  it('never cuts a surrogate pair at the cap (jsonb rejects lone surrogates)', () => {
    const m = parseMessage(Buffer.from(`Content-Type: text/plain; charset=utf-8\r\n\r\n${'x'.repeat(999_999)}🎉🎉`));
    expect(m.text.length).toBe(999_999);
    expect(JSON.stringify(m.text)).not.toMatch(/\\ud[89a-f]/i);
  });
  it('prefers text/plain in multipart/alternative and keeps NUL out of everything', () => {
    const raw = Buffer.from(
      'Subject: a\0b\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n--x\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--x\r\nContent-Type: text/plain\r\n\r\npl\0ain\r\n--x--\r\n',
    );
    const m = parseMessage(raw);
    expect(m.text).toBe('plain');
    expect(m.subject).toBe('ab');
    expect(JSON.stringify(m)).not.toContain('\\u0000');
  });
});
