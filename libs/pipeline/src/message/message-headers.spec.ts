import { describe, expect, it } from 'vitest';
import { countFields, fieldValue, joinMessage, normalizeLineEnds, receivedField, removeFields, replaceFieldValue, rfc5322Date, splitMessage } from './message-headers';

describe('message headers', () => {
  it('turns bare LF into CRLF and leaves CRLF messages untouched (same buffer)', () => {
    expect(normalizeLineEnds(Buffer.from('a: b\nc: d\r\n\nbody\n')).toString()).toBe('a: b\r\nc: d\r\n\r\nbody\r\n');
    const crlf = Buffer.from('a: b\r\n\r\nbody\r\n');
    expect(normalizeLineEnds(crlf)).toBe(crlf);
  });

  it('splits header and body at the first empty line, keeping 8-bit header bytes', () => {
    const raw = Buffer.concat([Buffer.from('Subject: caf'), Buffer.from([0xc3, 0xa9]), Buffer.from('\r\nX: 1\r\n\r\nbody\r\n\r\nmore\r\n')]);
    const { header, body } = splitMessage(raw);
    expect(body.toString()).toBe('\r\nbody\r\n\r\nmore\r\n');
    expect(joinMessage(header, body).equals(raw)).toBe(true);
    expect(splitMessage(Buffer.from('Subject: only headers')).header).toBe('Subject: only headers\r\n');
  });

  it('removes folded fields whole, counts and reads fields case-insensitively', () => {
    const header = 'To: a@x\r\nBcc: secret@x,\r\n\tother@x\r\nSubject: hi\r\n there\r\nreceived: one\r\nReceived: two\r\n';
    expect(removeFields(header, ['BCC'])).toBe('To: a@x\r\nSubject: hi\r\n there\r\nreceived: one\r\nReceived: two\r\n');
    expect(countFields(header, 'Received')).toBe(2);
    expect(fieldValue(header, 'subject')).toBe('hi there');
    expect(replaceFieldValue(header, 'subject', '[p] hi there')).toContain('Subject: [p] hi there\r\nreceived: one');
  });

  it('writes RFC 5322 dates and RFC 5321 4.4 Received fields', () => {
    const date = new Date(Date.UTC(2026, 10, 2, 3, 4, 5));
    expect(rfc5322Date(date)).toBe('Mon, 2 Nov 2026 03:04:05 +0000');
    expect(
      receivedField({ helo: 'client.example', clientHostname: '[192.0.2.1]', ip: '::ffff:192.0.2.1', hostname: 'mx.test', protocol: 'ESMTPS', tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, id: 'abc', recipient: 'a@b', date }),
    ).toBe('Received: from client.example ([192.0.2.1])\r\n\tby mx.test (Mailstead)\r\n\twith ESMTPS\r\n\t(TLSv1.3 cipher TLS_AES_256_GCM_SHA384)\r\n\tid abc\r\n\tfor <a@b>;\r\n\tMon, 2 Nov 2026 03:04:05 +0000');
    expect(receivedField({ helo: 'h', clientHostname: '', ip: '2001:db8::1', hostname: 'mx', protocol: 'ESMTP', id: 'x', date })).toContain('from h ([IPv6:2001:db8::1])');
  });
});
