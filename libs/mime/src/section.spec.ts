import { describe, expect, it } from 'vitest';
import { shape } from './__fixtures__/helpers';
import { parseMessage } from './parse-message';
import { parsePartId, resolvePart, sectionBytes } from './section';
import type { BodyPart, ParsedMessage, SectionKind } from './types';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

function get(raw: Buffer, m: ParsedMessage | BodyPart, spec: string, kind: SectionKind = 'ALL', fields?: string[]): string {
  return sectionBytes(raw, m, { part: parsePartId(spec)!, kind, ...(fields ? { fields } : {}) }).toString('latin1');
}

/** The message laid out like the part table of RFC 3501 6.4.5. */
const RFC3501_TABLE = crlf([
  'From: top@example.com',
  'To: you@example.com',
  'Subject: RFC 3501 section example',
  'MIME-Version: 1.0',
  'Content-Type: MULTIPART/MIXED; boundary="top"',
  '',
  '--top',
  'Content-Type: TEXT/PLAIN',
  '',
  'part 1 text',
  '--top',
  'Content-Type: APPLICATION/OCTET-STREAM',
  'Content-Transfer-Encoding: base64',
  '',
  'cGFydCAy',
  '--top',
  'Content-Type: MESSAGE/RFC822',
  '',
  'Subject: part 3 message',
  'From: three@example.com',
  'Content-Type: MULTIPART/MIXED; boundary="three"',
  '',
  '--three',
  'Content-Type: TEXT/PLAIN',
  '',
  'part 3.1 text',
  '--three',
  'Content-Type: APPLICATION/OCTET-STREAM',
  '',
  'part 3.2 data',
  '--three--',
  '--top',
  'Content-Type: MULTIPART/MIXED; boundary="four"',
  '',
  '--four',
  'Content-Type: IMAGE/GIF',
  'Content-Transfer-Encoding: base64',
  '',
  'R0lGODlh',
  '--four',
  'Content-Type: MESSAGE/RFC822',
  '',
  'Subject: part 4.2 message',
  'From: fourtwo@example.com',
  'Content-Type: MULTIPART/MIXED; boundary="fourtwo"',
  '',
  '--fourtwo',
  'Content-Type: TEXT/PLAIN',
  '',
  'part 4.2.1 text',
  '--fourtwo',
  'Content-Type: MULTIPART/ALTERNATIVE; boundary="alt"',
  '',
  '--alt',
  'Content-Type: TEXT/PLAIN',
  '',
  'part 4.2.2.1 text',
  '--alt',
  'Content-Type: TEXT/RICHTEXT',
  '',
  'part 4.2.2.2 <bold>richtext</bold>',
  '--alt--',
  '--fourtwo--',
  '--four--',
  '--top--',
  '',
]);

describe('sectionBytes: the RFC 3501 6.4.5 part table', () => {
  const raw = RFC3501_TABLE;
  const m = parseMessage(raw);

  it('has the structure of the table', () => {
    expect(shape(m.body)).toBe(
      '=multipart/mixed(1=text/plain,2=application/octet-stream,3=message/rfc822{3=multipart/mixed(3.1=text/plain,3.2=application/octet-stream)},' +
        '4=multipart/mixed(4.1=image/gif,4.2=message/rfc822{4.2=multipart/mixed(4.2.1=text/plain,4.2.2=multipart/alternative(4.2.2.1=text/plain,4.2.2.2=text/richtext))}))',
    );
  });

  it('HEADER and TEXT of the message', () => {
    expect(get(raw, m, '', 'HEADER')).toBe(
      'From: top@example.com\r\nTo: you@example.com\r\nSubject: RFC 3501 section example\r\nMIME-Version: 1.0\r\nContent-Type: MULTIPART/MIXED; boundary="top"\r\n\r\n',
    );
    const text = get(raw, m, '', 'TEXT');
    expect(text.startsWith('--top\r\nContent-Type: TEXT/PLAIN\r\n\r\npart 1 text\r\n--top\r\n')).toBe(true);
    expect(text.endsWith('--four--\r\n--top--\r\n')).toBe(true);
    expect(get(raw, m, '', 'ALL')).toBe(raw.toString('latin1'));
  });

  it('leaf parts 1, 2, 3.1, 3.2, 4.1, 4.2.1, 4.2.2.1, 4.2.2.2', () => {
    expect(get(raw, m, '1')).toBe('part 1 text');
    expect(get(raw, m, '2')).toBe('cGFydCAy');
    expect(get(raw, m, '3.1')).toBe('part 3.1 text');
    expect(get(raw, m, '3.2')).toBe('part 3.2 data');
    expect(get(raw, m, '4.1')).toBe('R0lGODlh');
    expect(get(raw, m, '4.2.1')).toBe('part 4.2.1 text');
    expect(get(raw, m, '4.2.2.1')).toBe('part 4.2.2.1 text');
    expect(get(raw, m, '4.2.2.2')).toBe('part 4.2.2.2 <bold>richtext</bold>');
  });

  it('3 is the whole embedded message; 3.HEADER and 3.TEXT split it', () => {
    const whole = get(raw, m, '3');
    expect(whole.startsWith('Subject: part 3 message\r\n')).toBe(true);
    expect(whole.endsWith('--three--')).toBe(true);
    expect(get(raw, m, '3', 'HEADER')).toBe('Subject: part 3 message\r\nFrom: three@example.com\r\nContent-Type: MULTIPART/MIXED; boundary="three"\r\n\r\n');
    expect(get(raw, m, '3', 'HEADER') + get(raw, m, '3', 'TEXT')).toBe(whole);
    expect(get(raw, m, '3', 'TEXT').startsWith('--three\r\n')).toBe(true);
  });

  it('4 is a multipart body with its delimiters; 4.1.MIME is the MIME header of the GIF', () => {
    const four = get(raw, m, '4');
    expect(four.startsWith('--four\r\nContent-Type: IMAGE/GIF\r\n')).toBe(true);
    expect(four.endsWith('--fourtwo--\r\n--four--')).toBe(true);
    expect(get(raw, m, '4.1', 'MIME')).toBe('Content-Type: IMAGE/GIF\r\nContent-Transfer-Encoding: base64\r\n\r\n');
    expect(get(raw, m, '4', 'MIME')).toBe('Content-Type: MULTIPART/MIXED; boundary="four"\r\n\r\n');
    expect(get(raw, m, '3', 'MIME')).toBe('Content-Type: MESSAGE/RFC822\r\n\r\n');
  });

  it('4.2.HEADER, 4.2.TEXT and 4.2.HEADER.FIELDS inside the nested message/rfc822', () => {
    expect(get(raw, m, '4.2', 'HEADER')).toBe(
      'Subject: part 4.2 message\r\nFrom: fourtwo@example.com\r\nContent-Type: MULTIPART/MIXED; boundary="fourtwo"\r\n\r\n',
    );
    expect(get(raw, m, '4.2', 'TEXT').startsWith('--fourtwo\r\nContent-Type: TEXT/PLAIN\r\n\r\npart 4.2.1 text\r\n')).toBe(true);
    expect(get(raw, m, '4.2', 'HEADER.FIELDS', ['from'])).toBe('From: fourtwo@example.com\r\n\r\n');
    expect(get(raw, m, '4.2', 'HEADER.FIELDS.NOT', ['from', 'content-type'])).toBe('Subject: part 4.2 message\r\n\r\n');
    expect(get(raw, m, '4.2.2', 'MIME')).toBe('Content-Type: MULTIPART/ALTERNATIVE; boundary="alt"\r\n\r\n');
  });

  it('sections naming no part, or HEADER/TEXT of a part that is no message, are empty', () => {
    for (const spec of ['5', '1.1', '4.3', '4.2.3', '4.2.2.3', '4.2.2.1.1', '2.1']) expect(get(raw, m, spec), spec).toBe('');
    expect(get(raw, m, '1', 'HEADER')).toBe('');
    expect(get(raw, m, '4', 'TEXT')).toBe('');
    expect(get(raw, m, '4.1', 'HEADER.FIELDS', ['subject'])).toBe('');
    expect(get(raw, m, '', 'MIME')).toBe('');
    expect(sectionBytes(raw, m, { part: [0], kind: 'ALL' }).length).toBe(0);
    expect(sectionBytes(raw, m, { part: [1.5], kind: 'ALL' }).length).toBe(0);
    expect(sectionBytes(raw, m, { part: [-1], kind: 'MIME' }).length).toBe(0);
  });

  it('works from the body structure alone, as stored in JSON', () => {
    const stored = JSON.parse(JSON.stringify(m.body)) as BodyPart;
    expect(get(raw, stored, '4.2.2.2')).toBe('part 4.2.2.2 <bold>richtext</bold>');
    expect(get(raw, stored, '3', 'HEADER.FIELDS', ['SUBJECT'])).toBe('Subject: part 3 message\r\n\r\n');
    expect(resolvePart(stored, [4, 2, 2])?.subtype).toBe('alternative');
  });
});

/** The message of the RFC 3501 section 8 sample session. */
const RFC3501_SAMPLE = crlf([
  'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
  'From: Terry Gray <gray@cac.washington.edu>',
  'Subject: IMAP4rev1 WG mtg summary and minutes',
  'To: imap@cac.washington.edu',
  'cc: minutes@CNRI.Reston.VA.US,',
  '        John Klensin <KLENSIN@MIT.EDU>',
  'Message-Id: <B27397-0100000@cac.washington.edu>',
  'MIME-Version: 1.0',
  'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
  '',
  'minutes line 1',
  'minutes line 2',
  '',
]);

describe('sectionBytes: HEADER.FIELDS and friends', () => {
  const raw = RFC3501_SAMPLE;
  const m = parseMessage(raw);

  it('HEADER.FIELDS keeps the message order and the folded continuation lines', () => {
    expect(get(raw, m, '', 'HEADER.FIELDS', ['CC', 'DATE'])).toBe(
      'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\ncc: minutes@CNRI.Reston.VA.US,\r\n        John Klensin <KLENSIN@MIT.EDU>\r\n\r\n',
    );
  });

  it('HEADER.FIELDS matches names case-insensitively and gives the blank line alone when nothing matches', () => {
    expect(get(raw, m, '', 'HEADER.FIELDS', ['message-ID'])).toBe('Message-Id: <B27397-0100000@cac.washington.edu>\r\n\r\n');
    expect(get(raw, m, '', 'HEADER.FIELDS', ['X-Nothing'])).toBe('\r\n');
    expect(get(raw, m, '', 'HEADER.FIELDS', [])).toBe('\r\n');
  });

  it('HEADER.FIELDS.NOT gives every other field', () => {
    expect(get(raw, m, '', 'HEADER.FIELDS.NOT', ['Date', 'cc', 'message-id', 'mime-version', 'content-type', 'to'])).toBe(
      'From: Terry Gray <gray@cac.washington.edu>\r\nSubject: IMAP4rev1 WG mtg summary and minutes\r\n\r\n',
    );
    expect(get(raw, m, '', 'HEADER.FIELDS.NOT', [])).toBe(get(raw, m, '', 'HEADER'));
  });

  it('TEXT, BODY[1] and BODY[1.MIME] of a non-multipart message', () => {
    expect(get(raw, m, '', 'TEXT')).toBe('minutes line 1\r\nminutes line 2\r\n');
    expect(get(raw, m, '1')).toBe('minutes line 1\r\nminutes line 2\r\n');
    expect(get(raw, m, '1', 'MIME')).toBe(get(raw, m, '', 'HEADER'));
    expect(get(raw, m, '2')).toBe('');
    expect(get(raw, m, '1.1')).toBe('');
    expect(m.body).toMatchObject({ type: 'text', subtype: 'plain', params: { charset: 'US-ASCII' }, size: 32, lines: 2 });
  });

  it('bare LF headers keep their bytes; the closing blank line is CRLF', () => {
    const lf = Buffer.from('Subject: a\n  folded\nFrom: x@example.com\n\nbody\n');
    const msg = parseMessage(lf);
    expect(get(lf, msg, '', 'HEADER.FIELDS', ['subject'])).toBe('Subject: a\n  folded\n\r\n');
    expect(get(lf, msg, '', 'HEADER')).toBe('Subject: a\n  folded\nFrom: x@example.com\n\n');
    expect(get(lf, msg, '', 'TEXT')).toBe('body\n');
  });

  it('a last field without a line break still ends with one before the blank line', () => {
    const raw2 = Buffer.from('To: a@example.com\r\nSubject: no newline');
    const msg = parseMessage(raw2);
    expect(get(raw2, msg, '', 'HEADER.FIELDS', ['subject'])).toBe('Subject: no newline\r\n\r\n');
    expect(get(raw2, msg, '', 'HEADER')).toBe('To: a@example.com\r\nSubject: no newline');
  });

  it('obsolete "Name : value" fields (RFC 5322 4.5) match by name', () => {
    const raw3 = Buffer.from('Subject : spaced\r\nX-A:tight\r\n\r\n');
    const msg = parseMessage(raw3);
    expect(get(raw3, msg, '', 'HEADER.FIELDS', ['subject', 'x-a'])).toBe('Subject : spaced\r\nX-A:tight\r\n\r\n');
    expect(msg.subject).toBe('spaced');
  });
});
