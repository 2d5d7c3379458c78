import { describe, expect, it } from 'vitest';
import { allParts, corpusNames, findPart, fixture, offsetProblems, section, shape } from './__fixtures__/helpers';
import { decodePartBody } from './decode';
import { parseMessage } from './parse-message';
import { parsePartId, sectionBytes } from './section';
import type { ParsedMessage } from './types';

function load(name: string): { raw: Buffer; m: ParsedMessage } {
  const raw = fixture(name);
  return { raw, m: parseMessage(raw) };
}

/** BODY[part] of every listed leaf is exactly the expected text (latin1 view of the bytes). */
function expectLeaves(raw: Buffer, m: ParsedMessage, leaves: Record<string, string>): void {
  for (const [partId, body] of Object.entries(leaves)) expect(section(raw, m, partId), `BODY[${partId}]`).toBe(body);
}

function utf8(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

describe('corpus: every message', () => {
  const names = corpusNames();

  it('holds at least 30 messages', () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
  });

  it.each(names)('%s: offsets are consistent and every part is addressable by its partId', (name) => {
    const { raw, m } = load(name);
    expect(offsetProblems(raw, m.body)).toEqual([]);
    expect(m.headerEnd).toBe(m.body.bodyStart);
    for (const { part, addressable } of allParts(m.body)) {
      if (!addressable) continue;
      const path = parsePartId(part.partId)!;
      expect(sectionBytes(raw, m, { part: path, kind: 'ALL' }).equals(raw.subarray(part.bodyStart, part.bodyEnd))).toBe(true);
      if (path.length > 0) {
        expect(sectionBytes(raw, m, { part: path, kind: 'MIME' }).equals(raw.subarray(part.headerStart, part.bodyStart))).toBe(true);
      }
    }
    // BODY[] is the message, BODY[HEADER] + BODY[TEXT] put it back together
    expect(sectionBytes(raw, m, { part: [], kind: 'ALL' }).equals(raw)).toBe(true);
    const header = sectionBytes(raw, m, { part: [], kind: 'HEADER' });
    const text = sectionBytes(raw, m, { part: [], kind: 'TEXT' });
    expect(Buffer.concat([header, text]).equals(raw)).toBe(true);
  });

  it.each(names)('%s: attachment sizes are the decoded sizes', (name) => {
    const { raw, m } = load(name);
    for (const a of m.attachments) expect(a.size, a.partId).toBe(decodePartBody(raw, findPart(m.body, a.partId)).length);
  });

  it.each(names)('%s: the body structure survives JSON (it is stored as jsonb)', (name) => {
    const { raw, m } = load(name);
    const json = JSON.stringify(m.body);
    expect(json).not.toContain('\\u0000');
    const stored = JSON.parse(json) as ParsedMessage['body'];
    expect(stored).toEqual(m.body);
    for (const { part, addressable } of allParts(stored)) {
      if (!addressable) continue;
      const path = parsePartId(part.partId)!;
      expect(sectionBytes(raw, stored, { part: path, kind: 'ALL' }).equals(sectionBytes(raw, m, { part: path, kind: 'ALL' }))).toBe(true);
    }
  });
});

describe('corpus: message by message', () => {
  it('01 simple text/plain', () => {
    const { raw, m } = load('01-simple-plain.eml');
    expect(shape(m.body)).toBe('1=text/plain');
    expect(m.subject).toBe('Lunch on Friday?');
    expect(m.from).toEqual([{ name: 'Alice Example', address: 'alice@example.com' }]);
    expect(m.to).toEqual([{ name: 'Bob', address: 'bob@example.org' }]);
    expect(m.date?.toISOString()).toBe('1997-11-21T15:55:06.000Z');
    expect(m.messageId).toBe('<1234@local.machine.example>');
    expect(m.headerEnd).toBe(raw.indexOf('\r\n\r\n') + 4);
    expect(m.headers.map((h) => h.key)).toEqual(['return-path', 'from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type']);
    expect(m.body).toMatchObject({ params: { charset: 'us-ascii' }, encoding: '7bit', size: 46, lines: 4, headerStart: 0 });
    expectLeaves(raw, m, { '1': 'Hi Bob,\r\n\r\nAre we still on for lunch?\r\nAlice\r\n' });
    expect(m.envelope).toEqual({
      date: 'Fri, 21 Nov 1997 09:55:06 -0600',
      subject: 'Lunch on Friday?',
      from: [{ name: 'Alice Example', address: 'alice@example.com', mailbox: 'alice', host: 'example.com' }],
      sender: [{ name: 'Alice Example', address: 'alice@example.com', mailbox: 'alice', host: 'example.com' }],
      replyTo: [{ name: 'Alice Example', address: 'alice@example.com', mailbox: 'alice', host: 'example.com' }],
      to: [{ name: 'Bob', address: 'bob@example.org', mailbox: 'bob', host: 'example.org' }],
      cc: null,
      bcc: null,
      inReplyTo: null,
      messageId: '<1234@local.machine.example>',
    });
    expect(m.text).toBe('Hi Bob,\r\n\r\nAre we still on for lunch?\r\nAlice\r\n');
    expect(m.preview).toBe('Hi Bob, Are we still on for lunch? Alice');
    expect(m.attachments).toEqual([]);
    expect(m.hasAttachments).toBe(false);
  });

  it('02 bare LF line endings', () => {
    const { raw, m } = load('02-bare-lf.eml');
    expect(raw.includes('\r')).toBe(false);
    expect(shape(m.body)).toBe('=multipart/mixed(1=text/plain,2=text/x-note)');
    expect(m.headerEnd).toBe(raw.indexOf('\n\n') + 2);
    expectLeaves(raw, m, { '1': 'first part\ntwo lines', '2': 'second part' });
    expect(section(raw, m, '1', 'MIME')).toBe('Content-Type: text/plain\n\n');
    expect(findPart(m.body, '1').lines).toBe(2);
    expect(findPart(m.body, '2').lines).toBe(1);
    expect(m.text).toBe('first part\ntwo lines');
    expect(m.attachments).toEqual([
      { partId: '2', filename: null, contentType: 'text/x-note', size: 11, contentId: null, disposition: null, inline: false },
    ]);
  });

  it('03 multipart/alternative inside multipart/mixed with a PDF', () => {
    const { raw, m } = load('03-alternative-in-mixed.eml');
    expect(shape(m.body)).toBe('=multipart/mixed(1=multipart/alternative(1.1=text/plain,1.2=text/html),2=application/pdf)');
    expect(m.body.params).toEqual({ boundary: 'mixed-1' });
    expectLeaves(raw, m, {
      '1.1': 'Please find the report attached.',
      '1.2': '<html><body><p>Please find the <b>report</b> attached.</p></body></html>',
      '2': 'JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK\r\ndHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK',
    });
    const alt = section(raw, m, '1');
    expect(alt.startsWith('--alt-1\r\nContent-Type: text/plain')).toBe(true);
    expect(alt.endsWith('--alt-1--\r\n')).toBe(true);
    expect(section(raw, m, '', 'TEXT').startsWith('This is a multi-part message in MIME format.\r\n--mixed-1\r\n')).toBe(true);
    const pdf = findPart(m.body, '2');
    expect(pdf).toMatchObject({ encoding: 'base64', params: { name: 'report-q4.pdf' }, disposition: { type: 'attachment', params: { filename: 'report-q4.pdf' } } });
    const bytes = decodePartBody(raw, pdf);
    expect(bytes.subarray(0, 8).toString()).toBe('%PDF-1.4');
    expect(m.attachments).toEqual([
      { partId: '2', filename: 'report-q4.pdf', contentType: 'application/pdf', size: bytes.length, contentId: null, disposition: 'attachment', inline: false },
    ]);
    expect(m.hasAttachments).toBe(true);
    expect(m.text).toBe('Please find the report attached.');
    expect(m.to).toEqual([
      { name: null, address: 'dave@example.com' },
      { name: 'Eve', address: 'eve@example.com' },
    ]);
    expect(m.cc).toEqual([{ name: null, address: 'frank@example.com' }]);
    expect(m.from).toEqual([{ name: 'Carol C.', address: 'carol@example.net' }]);
    expect(m.envelope.from).toEqual([{ name: 'Carol C.', address: 'carol@example.net', mailbox: 'carol', host: 'example.net' }]);
  });

  it('04 message/rfc822 nested twice', () => {
    const { raw, m } = load('04-nested-rfc822-twice.eml');
    expect(shape(m.body)).toBe(
      '=multipart/mixed(1=text/plain,2=message/rfc822{2=multipart/mixed(2.1=text/plain,2.2=message/rfc822{2.2.1=text/plain})})',
    );
    expectLeaves(raw, m, {
      '1': 'See the forwarded chain below.',
      '2.1': 'Middle note.',
      '2.2.1': 'Original body line 1\r\nOriginal body line 2',
    });
    const fwd = findPart(m.body, '2');
    expect(fwd.lines).toBe(21);
    expect(fwd.message?.envelope.subject).toBe('Fwd: original');
    expect(fwd.message?.envelope.messageId).toBe('<middle@example.com>');
    expect(fwd.message?.envelope.from).toEqual([{ name: null, address: 'middle@example.com', mailbox: 'middle', host: 'example.com' }]);
    const inner = findPart(m.body, '2.2');
    expect(inner.lines).toBe(7);
    expect(inner.message?.envelope).toMatchObject({
      subject: 'original',
      date: 'Mon, 1 Jan 2024 00:00:00 +0000',
      from: [{ name: '=?utf-8?Q?Orig=C3=ADn?=', address: 'origin@example.com', mailbox: 'origin', host: 'example.com' }],
      to: [{ name: null, address: 'middle@example.com', mailbox: 'middle', host: 'example.com' }],
    });
    expect(section(raw, m, '2', 'HEADER')).toBe(
      'From: middle@example.com\r\nTo: forwarder@example.com\r\nSubject: Fwd: original\r\nMessage-ID: <middle@example.com>\r\nContent-Type: multipart/mixed; boundary="middle"\r\n\r\n',
    );
    expect(section(raw, m, '2.2', 'HEADER')).toBe(
      'From: =?utf-8?Q?Orig=C3=ADn?= <origin@example.com>\r\nTo: middle@example.com\r\nSubject: original\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n',
    );
    expect(section(raw, m, '2.2', 'TEXT')).toBe('Original body line 1\r\nOriginal body line 2');
    expect(section(raw, m, '2', 'TEXT').startsWith('--middle\r\n')).toBe(true);
    expect(section(raw, m, '2', 'TEXT').endsWith('--middle--')).toBe(true);
    expect(m.attachments).toEqual([
      { partId: '2', filename: 'fwd1.eml', contentType: 'message/rfc822', size: fwd.size, contentId: null, disposition: 'attachment', inline: false },
    ]);
    expect(m.text).toBe('See the forwarded chain below.\n\nMiddle note.\n\nOriginal body line 1\r\nOriginal body line 2');
  });

  it('05 RFC 2047 subject, UTF-8 B', () => {
    const { m } = load('05-subject-utf8-b.eml');
    expect(m.subject).toBe('Grüße aus Köln – ✓');
    expect(m.envelope.subject).toMatch(/^=\?utf-8\?B\?[A-Za-z0-9+/=]+\?=$/);
  });

  it('06 RFC 2047 ISO-8859-1 Q in subject and address names (RFC 2047 section 8 examples)', () => {
    const { m } = load('06-subject-latin1-q.eml');
    expect(m.subject).toBe('Café crème brûlée');
    expect(m.from).toEqual([{ name: 'André Pirard', address: 'PIRARD@vm1.ulg.ac.be' }]);
    expect(m.to).toEqual([{ name: 'Keld Jørn Simonsen', address: 'keld@dkuug.dk' }]);
    // ENVELOPE keeps the encoded words
    expect(m.envelope.from?.[0]).toEqual({ name: '=?ISO-8859-1?Q?Andr=E9?= Pirard', address: 'PIRARD@vm1.ulg.ac.be', mailbox: 'PIRARD', host: 'vm1.ulg.ac.be' });
    expect(m.envelope.subject).toBe('=?iso-8859-1?q?Caf=E9_cr=E8me_br=FBl=E9e?=');
  });

  it('07 KOI8-R subject (B) and 8-bit KOI8-R body', () => {
    const { raw, m } = load('07-subject-koi8r.eml');
    expect(m.subject).toBe('Привет, мир');
    expect(m.body).toMatchObject({ partId: '1', encoding: '8bit', params: { charset: 'koi8-r' }, lines: 1 });
    expect(m.text).toBe('Съешь же ещё этих мягких булок\r\n');
    expect(section(raw, m, '1')).toBe(raw.subarray(m.headerEnd).toString('latin1'));
  });

  it('08 Shift_JIS subject', () => {
    const { m } = load('08-subject-shift-jis.eml');
    expect(m.subject).toBe('日本語の件名');
    expect(m.text).toBe('hello\r\n');
  });

  it('09 GB2312 adjacent encoded words across a fold, joined without the space (RFC 2047 6.2)', () => {
    const { m } = load('09-subject-gb2312-multi.eml');
    expect(m.subject).toBe('中文邮件 and more');
    expect(m.headers.find((h) => h.key === 'subject')?.value).toMatch(/\?= =\?utf-8\?Q\?_and_more\?=$/);
  });

  it('10 RFC 2231 continuations and charsets in parameters', () => {
    const { raw, m } = load('10-rfc2231-filename.eml');
    expect(shape(m.body)).toBe('=multipart/mixed(1=text/plain,2=application/octet-stream,3=application/octet-stream)');
    const two = findPart(m.body, '2');
    expect(two.params).toEqual({ name: 'Grüße.bin' });
    expect(two.disposition).toEqual({ type: 'attachment', params: { filename: '日本語の.txt' } });
    expect(decodePartBody(raw, two).toString()).toBe('hello');
    expect(findPart(m.body, '3').params).toEqual({ name: '=?utf-8?B?w6TDtsO8LmRhdA==?=' });
    expect(m.attachments.map((a) => [a.partId, a.filename, a.size])).toEqual([
      ['2', '日本語の.txt', 5],
      ['3', 'äöü.dat', 4],
    ]);
    expect(m.text).toBe('see attachments');
  });

  it('11 8-bit UTF-8 body', () => {
    const { raw, m } = load('11-8bit-utf8-body.eml');
    expect(m.text).toBe('Zoë sagt: Grüße! 🎉\r\nСтрока два\r\n');
    expect(m.preview).toBe('Zoë sagt: Grüße! 🎉 Строка два');
    expect(m.body.lines).toBe(2);
    expectLeaves(raw, m, { '1': utf8('Zoë sagt: Grüße! 🎉\r\nСтрока два\r\n') });
  });

  it('12 raw 8-bit latin1 / windows-1252 header bytes', () => {
    const { m } = load('12-latin1-header.eml');
    expect(m.subject).toBe('Información € precio');
    expect(m.envelope.subject).toBe('Información € precio');
    expect(m.from).toEqual([{ name: 'José García', address: 'jose@example.es' }]);
    expect(m.text).toBe('Mañana\r\n');
  });

  it('13 windows-1252 quoted-printable with a soft break', () => {
    const { raw, m } = load('13-windows-1252-qp.eml');
    expect(m.body).toMatchObject({ encoding: 'quoted-printable', params: { charset: 'windows-1252' }, lines: 2 });
    expect(m.text).toBe('It costs €10 – “cheap” if you ask me, this line is long enough that it needs a soft break.\r\n');
    const decoded = decodePartBody(raw, m.body);
    expect(decoded[9]).toBe(0x80);
    expect(decoded.toString('latin1').endsWith('enough that it needs a soft break.\r\n')).toBe(true);
  });

  it('14 ISO-2022-JP subject and body', () => {
    const { m } = load('14-iso-2022-jp.eml');
    expect(m.subject).toBe('会議の件');
    expect(m.text).toBe('こんにちは、明日の会議です。\r\n');
    expect(m.body.params).toEqual({ charset: 'ISO-2022-JP' });
  });

  it('15 multipart without a boundary parameter is one text part', () => {
    const { raw, m } = load('15-missing-boundary-param.eml');
    expect(shape(m.body)).toBe('1=text/plain');
    expect(m.body.lines).toBe(5);
    expectLeaves(raw, m, { '1': '--whatever\r\nContent-Type: text/plain\r\n\r\ntext\r\n--whatever--\r\n' });
    expect(m.text).toContain('text');
  });

  it('16 missing close delimiter: the last part runs to the end', () => {
    const { raw, m } = load('16-missing-final-boundary.eml');
    expect(shape(m.body)).toBe('=multipart/mixed(1=text/plain,2=text/plain)');
    expectLeaves(raw, m, { '1': 'first', '2': 'second, never closed\r\n' });
    expect(findPart(m.body, '2').bodyEnd).toBe(raw.length);
  });

  it('17 empty message', () => {
    const { raw, m } = load('17-empty.eml');
    expect(raw.length).toBe(0);
    expect(shape(m.body)).toBe('1=text/plain');
    expect(m.body).toMatchObject({ headerStart: 0, bodyStart: 0, bodyEnd: 0, size: 0, lines: 0 });
    expect(m.headers).toEqual([]);
    expect(m.subject).toBe('');
    expect(Object.values(m.envelope).every((v) => v === null)).toBe(true);
    expect(section(raw, m, '', 'HEADER')).toBe('');
    expect(section(raw, m, '', 'HEADER.FIELDS', ['SUBJECT'])).toBe('\r\n');
    expect(section(raw, m, '1')).toBe('');
    expect(m.text).toBe('');
    expect(m.preview).toBe('');
  });

  it('18 header only, no blank line, no body', () => {
    const { raw, m } = load('18-header-only.eml');
    expect(m.headerEnd).toBe(raw.length);
    expect(m.body).toMatchObject({ size: 0, lines: 0, bodyStart: raw.length, bodyEnd: raw.length });
    expect(m.subject).toBe('only headers');
    expect(section(raw, m, '', 'HEADER')).toBe(raw.toString('latin1'));
    expect(section(raw, m, '', 'TEXT')).toBe('');
    expect(section(raw, m, '', 'HEADER.FIELDS', ['to'])).toBe('To: x@example.com\r\n\r\n');
  });

  it('19 group syntax (RFC 3501 7.4.2 NIL-host markers)', () => {
    const { m } = load('19-group-addresses.eml');
    const end = { name: null, address: null, mailbox: null, host: null };
    expect(m.envelope.to).toEqual([{ name: null, address: null, mailbox: 'undisclosed-recipients', host: null }, end]);
    expect(m.envelope.cc).toEqual([
      { name: null, address: null, mailbox: 'Team', host: null },
      { name: 'Ann', address: 'ann@example.com', mailbox: 'ann', host: 'example.com' },
      { name: null, address: 'ben@example.com', mailbox: 'ben', host: 'example.com' },
      end,
      { name: null, address: 'solo@example.com', mailbox: 'solo', host: 'example.com' },
    ]);
    expect(m.to).toEqual([{ name: 'undisclosed-recipients', address: null }]);
    expect(m.cc).toEqual([
      { name: 'Team', address: null },
      { name: 'Ann', address: 'ann@example.com' },
      { name: null, address: 'ben@example.com' },
      { name: null, address: 'solo@example.com' },
    ]);
  });

  it('20 several From mailboxes, Sender, Reply-To, threading headers', () => {
    const { m } = load('20-multiple-from.eml');
    expect(m.from).toEqual([
      { name: 'Ann', address: 'ann@example.com' },
      { name: 'Ben', address: 'ben@example.com' },
    ]);
    expect(m.envelope.from?.map((a) => a.mailbox)).toEqual(['ann', 'ben']);
    expect(m.envelope.sender).toEqual([{ name: 'Secretary', address: 'sec@example.com', mailbox: 'sec', host: 'example.com' }]);
    expect(m.envelope.replyTo).toEqual([{ name: null, address: 'replies@example.com', mailbox: 'replies', host: 'example.com' }]);
    expect(m.replyTo).toEqual([{ name: null, address: 'replies@example.com' }]);
    expect(m.inReplyTo).toBe('<parent@example.com>');
    expect(m.envelope.inReplyTo).toBe('<parent@example.com>');
    expect(m.references).toEqual(['<root@example.com>', '<parent@example.com>']);
  });

  it('21 calendar invitation', () => {
    const { raw, m } = load('21-calendar.eml');
    expect(shape(m.body)).toBe('=multipart/mixed(1=multipart/alternative(1.1=text/plain,1.2=text/calendar),2=application/ics)');
    expect(findPart(m.body, '1.2')).toMatchObject({ params: { charset: 'UTF-8', method: 'REQUEST' }, lines: 6 });
    expectLeaves(raw, m, {
      '1.1': 'You are invited to Standup.',
      '1.2': 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR',
    });
    expect(decodePartBody(raw, findPart(m.body, '2')).toString()).toBe('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
    expect(m.attachments.map((a) => [a.partId, a.contentType, a.filename])).toEqual([
      ['1.2', 'text/calendar', null],
      ['2', 'application/ics', 'invite.ics'],
    ]);
    expect(m.text).toBe('You are invited to Standup.');
  });

  it('22 multipart/signed: MIME header of the signed part is byte exact, signature is no attachment', () => {
    const { raw, m } = load('22-signed.eml');
    expect(shape(m.body)).toBe('=multipart/signed(1=text/plain,2=application/pgp-signature)');
    expect(m.body.params).toEqual({ micalg: 'pgp-sha256', protocol: 'application/pgp-signature', boundary: 'sig-b' });
    expect(section(raw, m, '1', 'MIME')).toBe('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
    expectLeaves(raw, m, { '1': 'Signed text.' });
    expect(findPart(m.body, '2').description).toBe('OpenPGP digital signature');
    expect(m.attachments.map((a) => a.filename)).toEqual(['signature.asc']);
    expect(m.hasAttachments).toBe(false);
    expect(m.text).toBe('Signed text.');
  });

  it('23 quoted-printable soft breaks, =XX and transport padding (RFC 2045 6.7)', () => {
    const { raw, m } = load('23-qp-soft-breaks.eml');
    const expected =
      "J'interdis aux marchands de vanter trop leurs marchandises. Car ils se font vite pédagogues et t'enseignent comme but ce qui n'est par essence qu'un moyen.   \r\na = b\r\nend";
    expect(decodePartBody(raw, m.body).toString('utf8')).toBe(expected);
    expect(m.text).toBe(expected);
    expect(m.body.lines).toBe(5);
  });

  it('24 very long and folded header lines', () => {
    const { raw, m } = load('24-long-header.eml');
    expect(m.subject).toBe(`${'word '.repeat(199)}end`);
    expect(m.references).toHaveLength(300);
    expect(m.references[0]).toBe('<ref000@example.com>');
    expect(m.references[299]).toBe('<ref299@example.com>');
    expect(m.headers.find((h) => h.key === 'x-long-unfolded')?.value).toBe('y'.repeat(5000));
    expect(m.headers.find((h) => h.key === 'references')?.value).toContain('<ref002@example.com> <ref003@example.com>');
    const refs = section(raw, m, '', 'HEADER.FIELDS', ['References']);
    expect(refs.startsWith('References: <ref000@example.com> <ref001@example.com> <ref002@example.com>\r\n <ref003@example.com>')).toBe(true);
    expect(refs.endsWith('<ref299@example.com>\r\n\r\n')).toBe(true);
    expectLeaves(raw, m, { '1': 'short body\r\n' });
  });

  it('25 duplicate headers: first Subject and Content-Type win, To lists merge', () => {
    const { raw, m } = load('25-duplicate-headers.eml');
    expect(m.subject).toBe('first subject');
    expect(m.envelope.subject).toBe('first subject');
    expect(m.headers.filter((h) => h.key === 'subject').map((h) => h.value)).toEqual(['first subject', 'second subject']);
    expect(shape(m.body)).toBe('1=text/html');
    expect(m.to.map((a) => a.address)).toEqual(['first@example.com', 'second@example.com']);
    expect(m.envelope.to?.map((a) => a.address)).toEqual(['first@example.com']);
    expect(m.text).toBe('body');
    expect(section(raw, m, '', 'HEADER.FIELDS', ['subject'])).toBe('Subject: first subject\r\nSubject: second subject\r\n\r\n');
  });

  it('26 weird casing: names and types case-insensitive, boundary case-sensitive', () => {
    const { raw, m } = load('26-weird-casing.eml');
    expect(shape(m.body)).toBe('=multipart/mixed(1=text/plain,2=image/png)');
    expect(m.body.params).toEqual({ boundary: 'AbC' });
    expect(findPart(m.body, '1')).toMatchObject({ encoding: 'base64', params: { charset: 'UTF-8' } });
    expect(findPart(m.body, '2')).toMatchObject({ id: '<img1@x>', disposition: { type: 'inline', params: {} } });
    expect(section(raw, m, '', 'TEXT').startsWith('--abc\r\nnot a boundary (case differs)\r\n--AbC\r\n')).toBe(true);
    expectLeaves(raw, m, { '1': 'SGVsbG8gV29ybGQ=', '2': 'iVBORw0KGgo=' });
    expect(m.text).toBe('Hello World');
    expect(m.from).toEqual([{ name: 'Shouty', address: 'SHOUTY@EXAMPLE.COM' }]);
    expect(m.attachments).toEqual([{ partId: '2', filename: null, contentType: 'image/png', size: 12, contentId: '<img1@x>', disposition: 'inline', inline: true }]);
    expect(m.hasAttachments).toBe(false);
    expect(section(raw, m, '', 'HEADER.FIELDS', ['subject', 'To'])).toBe('tO: quiet@example.com\r\nSUBJECT: casing\r\n\r\n');
  });

  it('27 no header at all: everything is body', () => {
    const { raw, m } = load('27-no-headers.eml');
    expect(m.headerEnd).toBe(0);
    expect(m.headers).toEqual([]);
    expect(m.body).toMatchObject({ partId: '1', headerStart: 0, bodyStart: 0, bodyEnd: raw.length, lines: 2 });
    expect(m.text).toBe(raw.toString());
    expect(section(raw, m, '', 'HEADER')).toBe('');
    expect(section(raw, m, '', 'HEADER.FIELDS', ['SUBJECT'])).toBe('\r\n');
  });

  it('28 a header line without a colon is skipped with its continuation', () => {
    const { raw, m } = load('28-header-without-colon.eml');
    expect(m.headers).toEqual([
      { key: 'from', value: 'nocolon@example.com' },
      { key: 'subject', value: 'after garbage' },
      { key: 'content-type', value: 'text/plain' },
    ]);
    expect(section(raw, m, '', 'HEADER').includes('This line has no colon\r\n and a continuation\r\n')).toBe(true);
    expect(section(raw, m, '', 'HEADER.FIELDS.NOT', ['from'])).toBe('Subject: after garbage\r\nContent-Type: text/plain\r\n\r\n');
    expectLeaves(raw, m, { '1': 'body text\r\n' });
  });

  it('29 preamble, epilogue and delimiters followed by whitespace', () => {
    const { raw, m } = load('29-preamble-epilogue-whitespace.eml');
    expect(shape(m.body)).toBe('=multipart/mixed(1=text/plain,2=text/plain)');
    expectLeaves(raw, m, { '1': 'part one', '2': 'part two' });
    expect(section(raw, m, '', 'TEXT').startsWith('preamble line 1\r\npreamble line 2\r\n--ws   \r\n')).toBe(true);
    expect(m.text).toBe('part one\n\npart two');
  });

  it('30 multipart/digest parts default to message/rfc822 (RFC 2046 5.1.5)', () => {
    const { raw, m } = load('30-digest.eml');
    expect(shape(m.body)).toBe('=multipart/digest(1=message/rfc822{1.1=text/plain},2=message/rfc822{2.1=text/plain},3=text/plain)');
    expect(findPart(m.body, '1').params).toEqual({});
    expect(findPart(m.body, '1').message?.envelope.subject).toBe('first in digest');
    expect(findPart(m.body, '2').message?.envelope.from?.[0]?.address).toBe('two@example.com');
    expectLeaves(raw, m, { '1.1': 'First message.', '2.1': 'Second message.', '3': 'explicitly typed' });
    expect(section(raw, m, '1', 'MIME')).toBe('\r\n');
    expect(section(raw, m, '1', 'HEADER')).toBe('From: one@example.com\r\nSubject: first in digest\r\n\r\n');
    expect(section(raw, m, '1')).toBe('From: one@example.com\r\nSubject: first in digest\r\n\r\nFirst message.');
  });

  it('31 multipart/related: the HTML is the text, the cid image is inline', () => {
    const { m } = load('31-related-inline-image.eml');
    expect(shape(m.body)).toBe('=multipart/related(1=text/html,2=image/gif)');
    expect(m.body.params).toEqual({ boundary: 'rel', type: 'text/html' });
    expect(m.attachments).toEqual([{ partId: '2', filename: null, contentType: 'image/gif', size: 14, contentId: '<logo@news>', disposition: null, inline: true }]);
    expect(m.hasAttachments).toBe(false);
    expect(m.text).toBe('Welcome & hello');
  });

  it('32 HTML only: tags, head, script, style and comments stripped, entities decoded', () => {
    const { m } = load('32-html-only.eml');
    expect(m.text).toBe('Heading\n\nCafé €5 ☺ <tag>\n\nLine two');
    expect(m.preview).toBe('Heading Café €5 ☺ <tag> Line two');
    expect(m.body.lines).toBe(5);
  });

  it('33 base64 text/plain', () => {
    const { raw, m } = load('33-base64-text.eml');
    expect(m.text).toBe('Base64 encoded text: naïve café\nSecond line\n');
    expect(decodePartBody(raw, m.body).toString()).toBe('Base64 encoded text: naïve café\nSecond line\n');
  });

  it('34 format=flowed text (RFC 3676)', () => {
    const { m } = load('34-format-flowed.eml');
    expect(m.body.params).toEqual({ charset: 'utf-8', format: 'flowed' });
    expect(m.text.startsWith('This paragraph is soft wrapped over three lines.\n> quoted')).toBe(true);
  });

  it('35 empty parts and a part without a header', () => {
    const { raw, m } = load('35-empty-parts.eml');
    expect(shape(m.body)).toBe('=multipart/mixed(1=text/plain,2=text/plain,3=text/plain)');
    const [one, two, three] = m.body.children;
    expect(one).toMatchObject({ size: 0, lines: 0 });
    expect(one!.headerStart).toBe(one!.bodyEnd);
    expect(two).toMatchObject({ size: 0, lines: 0 });
    expect(three!.headerStart).toBe(three!.bodyStart);
    expectLeaves(raw, m, { '1': '', '2': '', '3': 'body without any header' });
    expect(section(raw, m, '3', 'MIME')).toBe('');
    expect(m.text).toBe('body without any header');
  });

  it('36 four levels of multipart', () => {
    const { raw, m } = load('36-deep-nesting.eml');
    expect(shape(m.body)).toBe(
      '=multipart/mixed(1=multipart/mixed(1.1=multipart/mixed(1.1.1=multipart/alternative(1.1.1.1=text/plain,1.1.1.2=text/html),1.1.2=text/plain)),2=text/plain)',
    );
    expectLeaves(raw, m, {
      '1.1.1.1': 'deepest plain',
      '1.1.1.2': '<p>deepest html</p>',
      '1.1.2': 'level three sibling',
      '2': 'top sibling',
    });
    expect(m.text).toBe('deepest plain\n\nlevel three sibling\n\ntop sibling');
  });

  it('37 an encoded message/rfc822 stays an opaque leaf', () => {
    const { raw, m } = load('37-encoded-rfc822.eml');
    expect(shape(m.body)).toBe('=multipart/mixed(1=message/rfc822)');
    const part = findPart(m.body, '1');
    expect(part.message).toBeUndefined();
    expect(part.encoding).toBe('base64');
    expect(decodePartBody(raw, part).toString()).toBe('Subject: hidden\r\n\r\nhidden body\r\n');
    expect(section(raw, m, '1', 'HEADER')).toBe('');
    expect(m.attachments).toEqual([{ partId: '1', filename: null, contentType: 'message/rfc822', size: 32, contentId: null, disposition: null, inline: false }]);
  });

  it('38 unknown transfer encoding is passed through', () => {
    const { raw, m } = load('38-unknown-encoding.eml');
    expect(m.body.encoding).toBe('x-custom');
    expect(decodePartBody(raw, m.body).toString()).toBe('raw bytes stay raw\r\n');
    expect(m.attachments).toEqual([
      { partId: '1', filename: 'data.bin', contentType: 'application/octet-stream', size: 20, contentId: null, disposition: null, inline: false },
    ]);
  });

  it('39 8-bit boundary bytes', () => {
    const { raw, m } = load('39-8bit-boundary.eml');
    expect(shape(m.body)).toBe('=multipart/mixed(1=text/plain)');
    expect(m.body.params).toEqual({ boundary: 'été' });
    expectLeaves(raw, m, { '1': 'inside' });
  });

  it('40 a message whose top-level type is message/rfc822', () => {
    const { raw, m } = load('40-top-level-rfc822.eml');
    expect(shape(m.body)).toBe('1=message/rfc822{1=multipart/alternative(1.1=text/plain)}');
    expect(m.body.message?.envelope.subject).toBe('wrapped');
    expect(section(raw, m, '', 'HEADER')).toBe('From: wrapper@example.com\r\nSubject: wrapper\r\nContent-Type: message/rfc822\r\n\r\n');
    expect(section(raw, m, '1', 'HEADER').startsWith('From: inner@example.com\r\n')).toBe(true);
    expectLeaves(raw, m, { '1.1': 'wrapped text' });
    expect(m.text).toBe('wrapped text');
  });
});
