import { describe, expect, it } from 'vitest';
import { answerMeaning, domainQueryName, ipQueryName, ipv6Nibbles } from './dns-list-names';

describe('DNS list query names (RFC 5782)', () => {
  it('reverses the octets of an IPv4 address, and of an IPv4-mapped IPv6 client', () => {
    expect(ipQueryName('192.0.2.99', 'zen.example')).toBe('99.2.0.192.zen.example');
    expect(ipQueryName('::ffff:192.0.2.99', 'zen.example')).toBe('99.2.0.192.zen.example');
  });

  it('writes an IPv6 address as 32 reversed nibbles (RFC 5782 2.4 example)', () => {
    expect(ipQueryName('2001:db8:1:2:3:4:567:89ab', 'ugly.example.com')).toBe('b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example.com');
    expect(ipv6Nibbles('::1')).toEqual([...'0'.repeat(31), '1']);
    expect(ipv6Nibbles('2001:db8::')).toEqual([...'20010db8', ...'0'.repeat(24)]);
  });

  it('looks domains up as they are under the zone, and refuses what is no domain name', () => {
    expect(domainQueryName('Spam.Example.', 'dbl.example')).toBe('spam.example.dbl.example');
    expect(domainQueryName('192.0.2.1', 'dbl.example')).toBeNull();
    expect(domainQueryName('[192.0.2.1]', 'dbl.example')).toBeNull();
    expect(domainQueryName('localhost', 'dbl.example')).toBeNull();
    expect(ipQueryName('not an ip', 'zen.example')).toBeNull();
  });

  it('reads 127.0.0.x as listed, 127.255.255.x and dnswl 127.0.0.255 as refusals, anything else as noise', () => {
    expect(answerMeaning('127.0.0.2')).toBe('listed');
    expect(answerMeaning('127.0.1.2')).toBe('listed');
    expect(answerMeaning('127.255.255.254')).toBe('error');
    expect(answerMeaning('127.255.255.252')).toBe('error');
    expect(answerMeaning('127.0.0.255')).toBe('error');
    expect(answerMeaning('203.0.113.7')).toBe('ignored');
  });
});
