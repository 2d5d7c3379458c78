import { describe, expect, it } from 'vitest';
import { parseConfig } from '@mailstead/config';
import { orderMx, parseRelayUrl, resolveRoute, type DnsLookups } from './routing';

const config = parseConfig({ MAILSTEAD_DELIVERY_PORT: '2525' }).delivery;

function dnsError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** An in-memory zone: name -> MX list and addresses; unknown names are NXDOMAIN. */
function zone(records: Record<string, { mx?: [number, string][]; a?: string[] }>): DnsLookups {
  return {
    async mx(domain) {
      const r = records[domain];
      if (!r) throw dnsError('ENOTFOUND');
      if (!r.mx) throw dnsError('ENODATA');
      return r.mx.map(([priority, exchange]) => ({ priority, exchange }));
    },
    async addresses(host) {
      const r = records[host];
      if (!r) throw dnsError('ENOTFOUND');
      return r.a ?? [];
    },
  };
}

describe('orderMx', () => {
  it('sorts by preference and shuffles equal preferences', () => {
    const records = [
      { priority: 20, exchange: 'c' },
      { priority: 10, exchange: 'a' },
      { priority: 10, exchange: 'b' },
    ];
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const order = orderMx(records).map((r) => r.exchange);
      expect(order[2]).toBe('c');
      seen.add(order.join(''));
    }
    expect(seen).toEqual(new Set(['abc', 'bac']));
  });
});

describe('resolveRoute', () => {
  const dns = zone({
    'two.test': { mx: [[20, 'mx2.two.test'], [10, 'mx1.two.test']] },
    'mx1.two.test': { a: ['192.0.2.1'] },
    'mx2.two.test': { a: ['192.0.2.2', '192.0.2.3'] },
    'bare.test': { a: ['192.0.2.9'] },
    'empty.test': {},
    'null.test': { mx: [[0, '']] },
    'self.test': { mx: [[10, 'Our.Host.'], [20, 'mx1.two.test']] },
    'backup.test': { mx: [[5, 'mx1.two.test'], [10, 'our.host'], [10, 'mx2.two.test']] },
    'noaddr.test': { mx: [[10, 'gone.test']] },
  });

  it('lists MX hosts by preference with every address, on the configured port', async () => {
    const route = await resolveRoute('Two.Test', config, 'our.host', dns);
    expect(route).toEqual({
      kind: 'hosts',
      via: 'mx',
      hosts: [
        { name: 'mx1.two.test', address: '192.0.2.1', port: 2525, secure: false },
        { name: 'mx2.two.test', address: '192.0.2.2', port: 2525, secure: false },
        { name: 'mx2.two.test', address: '192.0.2.3', port: 2525, secure: false },
      ],
    });
  });

  it('falls back to the domain address without MX (implicit MX) and fails when there is none', async () => {
    expect(await resolveRoute('bare.test', config, 'our.host', dns)).toMatchObject({ kind: 'hosts', via: 'implicit-mx', hosts: [{ name: 'bare.test', address: '192.0.2.9' }] });
    expect(await resolveRoute('empty.test', config, 'our.host', dns)).toMatchObject({ kind: 'fail', permanent: true, status: '5.1.2' });
  });

  it('fails permanently on NXDOMAIN and null MX', async () => {
    expect(await resolveRoute('missing.test', config, 'our.host', dns)).toMatchObject({ kind: 'fail', permanent: true, status: '5.1.2' });
    expect(await resolveRoute('null.test', config, 'our.host', dns)).toMatchObject({ kind: 'fail', permanent: true, status: '5.1.10' });
  });

  it('detects loops and drops MX hosts not more preferred than us', async () => {
    expect(await resolveRoute('self.test', config, 'our.host', dns)).toMatchObject({ kind: 'fail', permanent: true, status: '5.4.6' });
    const backup = await resolveRoute('backup.test', config, 'our.host', dns);
    expect(backup.kind === 'hosts' && backup.hosts.map((h) => h.name)).toEqual(['mx1.two.test']);
  });

  it('defers when DNS fails temporarily or no MX host has an address', async () => {
    const broken: DnsLookups = { mx: async () => Promise.reject(dnsError('ESERVFAIL')), addresses: async () => [] };
    expect(await resolveRoute('x.test', config, 'our.host', broken)).toMatchObject({ kind: 'fail', permanent: false, status: '4.4.3' });
    expect(await resolveRoute('noaddr.test', config, 'our.host', dns)).toMatchObject({ kind: 'fail', permanent: false });
  });

  it('uses a transport rule before the smarthost, and the smarthost before DNS', async () => {
    const routed = parseConfig({ MAILSTEAD_SMARTHOST: 'smtps://user:p%40ss@relay.example:465', MAILSTEAD_TRANSPORT_RULES: 'two.test=smtp://special.example:2526' }).delivery;
    expect(await resolveRoute('two.test', routed, 'our.host', dns)).toEqual({ kind: 'hosts', via: 'relay', hosts: [{ name: 'special.example', address: 'special.example', port: 2526, secure: false }] });
    expect(await resolveRoute('other.test', routed, 'our.host', dns)).toEqual({
      kind: 'hosts',
      via: 'relay',
      hosts: [{ name: 'relay.example', address: 'relay.example', port: 465, secure: true, auth: { user: 'user', pass: 'p@ss' } }],
    });
    expect(() => parseRelayUrl('http://x')).toThrow();
  });
});
