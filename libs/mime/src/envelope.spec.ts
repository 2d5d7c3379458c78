import { describe, expect, it } from 'vitest';
import { envelopeAddressList } from './address';
import { parseMessage } from './parse-message';

describe('ENVELOPE', () => {
  it('matches the RFC 3501 section 8 sample', () => {
    const raw = Buffer.from(
      [
        'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
        'From: Terry Gray <gray@cac.washington.edu>',
        'Subject: IMAP4rev1 WG mtg summary and minutes',
        'To: imap@cac.washington.edu',
        'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>',
        'Message-Id: <B27397-0100000@cac.washington.edu>',
        'MIME-Version: 1.0',
        'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
        '',
        'text',
      ].join('\r\n'),
    );
    const gray = { name: 'Terry Gray', address: 'gray@cac.washington.edu', mailbox: 'gray', host: 'cac.washington.edu' };
    expect(parseMessage(raw).envelope).toEqual({
      date: 'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
      subject: 'IMAP4rev1 WG mtg summary and minutes',
      from: [gray],
      sender: [gray],
      replyTo: [gray],
      to: [{ name: null, address: 'imap@cac.washington.edu', mailbox: 'imap', host: 'cac.washington.edu' }],
      cc: [
        { name: null, address: 'minutes@CNRI.Reston.VA.US', mailbox: 'minutes', host: 'CNRI.Reston.VA.US' },
        { name: 'John Klensin', address: 'KLENSIN@MIT.EDU', mailbox: 'KLENSIN', host: 'MIT.EDU' },
      ],
      bcc: null,
      inReplyTo: null,
      messageId: '<B27397-0100000@cac.washington.edu>',
    });
    expect(parseMessage(raw).date?.toISOString()).toBe('1996-07-17T09:23:25.000Z');
  });

  it('an empty Sender or Reply-To falls back to From', () => {
    const m = parseMessage(Buffer.from('From: a@example.com\r\nSender:\r\nReply-To:  \r\n\r\n'));
    expect(m.envelope.sender).toEqual(m.envelope.from);
    expect(m.envelope.replyTo).toEqual(m.envelope.from);
  });

  it('an address without a domain or local part gets the Dovecot placeholders', () => {
    expect(envelopeAddressList('garbage')).toEqual([{ name: null, address: null, mailbox: 'garbage', host: 'MISSING_DOMAIN' }]);
    expect(envelopeAddressList('<user>')).toEqual([{ name: null, address: null, mailbox: 'user', host: 'MISSING_DOMAIN' }]);
    expect(envelopeAddressList('user@')).toEqual([{ name: null, address: 'user@', mailbox: 'user', host: 'MISSING_DOMAIN' }]);
    expect(envelopeAddressList('@host')).toEqual([{ name: null, address: '@host', mailbox: 'MISSING_MAILBOX', host: 'host' }]);
    expect(envelopeAddressList('')).toBeNull();
    expect(envelopeAddressList(null)).toBeNull();
  });

  it('keeps encoded words raw and quotes removed from names', () => {
    expect(envelopeAddressList('"Doe, John" <jd@example.com>, =?utf-8?B?SsO2cmc=?= <j@example.com>')).toEqual([
      { name: 'Doe, John', address: 'jd@example.com', mailbox: 'jd', host: 'example.com' },
      { name: '=?utf-8?B?SsO2cmc=?=', address: 'j@example.com', mailbox: 'j', host: 'example.com' },
    ]);
  });

  it('decoded names on the message', () => {
    const m = parseMessage(Buffer.from('From: =?utf-8?B?SsO2cmc=?= <j@example.com>\r\nBcc: hidden@example.com\r\n\r\n'));
    expect(m.from).toEqual([{ name: 'Jörg', address: 'j@example.com' }]);
    expect(m.bcc).toEqual([{ name: null, address: 'hidden@example.com' }]);
    expect(m.envelope.bcc?.[0]?.mailbox).toBe('hidden');
  });
});
