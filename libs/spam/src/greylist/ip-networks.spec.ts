import { describe, expect, it } from 'vitest';
import { clientNetwork, NetworkList } from './ip-networks';

describe('NetworkList', () => {
  it('matches IPv4 and IPv6 CIDRs, single addresses, and IPv4-mapped clients as IPv4', () => {
    const list = new NetworkList(['127.0.0.0/8', '::1', '10.1.0.0/16', '2001:db8::/32']);
    expect(list.contains('127.4.5.6')).toBe(true);
    expect(list.contains('::ffff:127.0.0.1')).toBe(true);
    expect(list.contains('::1')).toBe(true);
    expect(list.contains('10.1.200.3')).toBe(true);
    expect(list.contains('10.2.0.1')).toBe(false);
    expect(list.contains('2001:db8:ffff::1')).toBe(true);
    expect(list.contains('2001:db9::1')).toBe(false);
    expect(list.contains('192.0.2.1')).toBe(false);
    expect(new NetworkList([]).contains('127.0.0.1')).toBe(false);
  });
});

describe('clientNetwork', () => {
  it('is the /24 of an IPv4 client and the /64 of an IPv6 one', () => {
    expect(clientNetwork('192.0.2.77')).toBe('192.0.2.0/24');
    expect(clientNetwork('::ffff:192.0.2.77')).toBe('192.0.2.0/24');
    expect(clientNetwork('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64');
    expect(clientNetwork('2001:db8:1:2::9')).toBe(clientNetwork('2001:db8:1:2:ffff:ffff:ffff:ffff'));
  });
});
