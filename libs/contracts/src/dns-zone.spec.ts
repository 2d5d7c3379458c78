import { describe, expect, it } from 'vitest';
import { txtStrings, zoneFileLine } from './dns-zone';

const dkim = `v=DKIM1; k=rsa; p=${'A'.repeat(392)}`; // the length of a 2048-bit key's record

describe('zone-file lines', () => {
  it('splits a TXT value over 255 characters into quoted strings of at most 255 that join back to it', () => {
    const strings = txtStrings(dkim);
    expect(strings.map((s) => s.length)).toEqual([255, dkim.length - 255]);
    expect(strings.join('')).toBe(dkim);
    expect(zoneFileLine({ type: 'TXT', name: 'ms1._domainkey.example.test', value: dkim }, 3600)).toBe(
      `ms1._domainkey.example.test. 3600 IN TXT ( "${dkim.slice(0, 255)}" "${dkim.slice(255)}" )`,
    );
  });

  it('keeps a value of exactly 255 characters in one string, and counts octets, not characters', () => {
    expect(txtStrings('x'.repeat(255))).toEqual(['x'.repeat(255)]);
    expect(txtStrings('x'.repeat(256))).toEqual(['x'.repeat(255), 'x']);
    // "é" is two octets in UTF-8: 128 of them are 256 octets.
    expect(txtStrings('é'.repeat(128)).map((s) => [...s].length)).toEqual([127, 1]);
  });

  it('quotes short TXT values once, escapes quotes and backslashes, and leaves other types as they are', () => {
    expect(zoneFileLine({ type: 'TXT', name: 'example.test', value: 'v=spf1 mx -all' }, 3600)).toBe('example.test. 3600 IN TXT "v=spf1 mx -all"');
    expect(zoneFileLine({ type: 'TXT', name: 'x.test', value: 'say "hi" \\o/' })).toBe('x.test. IN TXT "say \\"hi\\" \\\\o/"');
    expect(zoneFileLine({ type: 'MX', name: 'example.test', value: '10 mail.example.test.' }, 3600)).toBe('example.test. 3600 IN MX 10 mail.example.test.');
    expect(zoneFileLine({ type: 'SRV', name: '_imaps._tcp.example.test.', value: '0 1 993 mail.example.test.' })).toBe('_imaps._tcp.example.test. IN SRV 0 1 993 mail.example.test.');
  });
});
