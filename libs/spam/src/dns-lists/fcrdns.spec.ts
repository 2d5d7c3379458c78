import { describe, expect, it } from 'vitest';
import type { DnsListResolver } from './dns-list-resolver';
import { forwardConfirmedName } from './fcrdns';

const absent = () => Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });

function resolver(ptr: Record<string, string[] | 'hang'>, a: Record<string, string[]>): DnsListResolver {
  const forward = async (name: string) => {
    if (!a[name]) throw absent();
    return a[name]!.map((address) => ({ address, ttl: 60 }));
  };
  return {
    resolve4: forward,
    resolve6: forward,
    async reverse(ip) {
      const names = ptr[ip];
      if (names === 'hang') return new Promise(() => undefined);
      if (!names) throw absent();
      return names;
    },
  };
}

describe('forwardConfirmedName', () => {
  it('confirms a PTR name that resolves back to the address (IPv4 and IPv6)', async () => {
    const r = resolver({ '192.0.2.5': ['other.example', 'mail.example'], '2001:db8::5': ['v6.example'] }, { 'mail.example': ['192.0.2.5'], 'v6.example': ['2001:0db8:0000::0005'] });
    expect(await forwardConfirmedName('192.0.2.5', r, 1000)).toEqual({ status: 'confirmed', name: 'mail.example' });
    expect(await forwardConfirmedName('2001:db8::5', r, 1000)).toEqual({ status: 'confirmed', name: 'v6.example' });
  });

  it('tells a name that does not resolve back from no name at all, and a silent DNS from both', async () => {
    const r = resolver({ '192.0.2.6': ['forged.example'], '192.0.2.8': 'hang' }, { 'forged.example': ['198.51.100.1'] });
    expect(await forwardConfirmedName('192.0.2.6', r, 1000)).toEqual({ status: 'unconfirmed', names: ['forged.example'] });
    expect(await forwardConfirmedName('192.0.2.7', r, 1000)).toEqual({ status: 'none' });
    expect(await forwardConfirmedName('192.0.2.8', r, 50)).toEqual({ status: 'unknown' });
  });
});
