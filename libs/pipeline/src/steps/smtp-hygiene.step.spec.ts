import { describe, expect, it } from 'vitest';
import { NetworkList, type DnsListResolver, type RateCounter } from '@mailstead/spam';
import type { ClientInfo } from '../delivery-step';
import { envelope, messageUnderCheck, resolution } from '../test-support/pipeline-fixtures';
import { claimsToBeUs, heloForm, smtpHygieneStep } from './smtp-hygiene.step';

describe('heloForm (RFC 5321 4.1.1.1, 4.1.3)', () => {
  it('tells domains, address literals, bare IPs and malformed names apart', () => {
    for (const name of ['mail.example.com', 'mail.example.com.', 'localhost', 'WIN_HOST.corp.example', 'a-b.example']) expect(heloForm(name), name).toBe('domain');
    for (const name of ['[192.0.2.1]', '[IPv6:2001:db8::1]', '[x-tag:content]']) expect(heloForm(name), name).toBe('address-literal');
    for (const name of ['192.0.2.1', '2001:db8::1']) expect(heloForm(name), name).toBe('bare-ip');
    for (const name of ['', 'bad!name', 'a..b', '-a.example', 'a-.example', 'host.123', '[300.1.1.1]', '[IPv6:nonsense]', `${'a'.repeat(64)}.example`]) expect(heloForm(name), name).toBe('invalid');
  });
});

describe('claimsToBeUs', () => {
  it('catches our host name (when it is fully qualified) and our address from a foreign client', () => {
    const foreign = { ip: '198.51.100.7', localIp: '192.0.2.1' };
    expect(claimsToBeUs('MX.Example.COM', 'mx.example.com', foreign)).toBe(true);
    expect(claimsToBeUs('[192.0.2.1]', 'mx.example.com', foreign)).toBe(true);
    expect(claimsToBeUs('192.0.2.1', 'mx.example.com', foreign)).toBe(true);
    expect(claimsToBeUs('client.example.net', 'mx.example.com', foreign)).toBe(false);
    expect(claimsToBeUs('localhost', 'localhost', foreign)).toBe(false);
    expect(claimsToBeUs('[192.0.2.1]', 'mx.example.com', { ip: '192.0.2.1', localIp: '192.0.2.1' })).toBe(false);
  });
});

describe('smtp-hygiene step', () => {
  const resolver: DnsListResolver = {
    resolve4: async () => [],
    resolve6: async () => [],
    reverse: async () => {
      throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    },
  };
  /** A counter that counts in memory (the Redis one is tested against Redis). */
  const counter = () => {
    const counts = new Map<string, number>();
    return {
      add: async (name: string, n = 1) => {
        counts.set(name, (counts.get(name) ?? 0) + n);
        return counts.get(name)!;
      },
    } as unknown as RateCounter;
  };
  const client = (helo: string, ip = '198.51.100.7'): ClientInfo => ({ sessionId: 's', ip, localIp: '192.0.2.1', helo, hostname: '', protocol: 'ESMTP', tls: false });
  const step = (trusted: string[] = []) => smtpHygieneStep({ hostname: 'mx.example.com', trusted: new NetworkList(trusted), resolver, timeoutMs: 200, rates: { counter: counter(), connections: 2, messages: 1 } });
  const rcpt = { resolution: resolution('user@local.test') };

  it('refuses malformed and our own HELO names at RCPT', async () => {
    const s = step();
    expect((await s.recipient!(envelope({ client: client('bad!name') }), rcpt))?.line).toBe('501 5.5.2 <bad!name>: Helo command rejected: Invalid name');
    expect((await s.recipient!(envelope({ client: client('mx.example.com') }), rcpt))?.line).toBe('550 5.7.1 <mx.example.com>: Helo command rejected: You are not me');
    expect(await s.recipient!(envelope({ client: client('client.example.net') }), rcpt)).toBeUndefined();
  });

  it('limits connections and transactions per IP', async () => {
    const s = step();
    expect(await s.connect!(client('a.example'))).toBeUndefined();
    expect(await s.connect!(client('a.example'))).toBeUndefined();
    expect((await s.connect!(client('a.example')))?.line).toBe('421 4.7.0 Too many connections from 198.51.100.7 in the last minute, try again later');
    expect(await s.connect!(client('a.example', '198.51.100.8'))).toBeUndefined();
    const env = envelope({ client: client('a.example') });
    expect(await s.sender!(env)).toBeUndefined();
    expect((await s.sender!(env))?.line).toBe('451 4.7.1 Too much mail from 198.51.100.7 in the last minute, try again later');
  });

  it('scores a bare IP HELO, a dotless one and a client without reverse DNS', async () => {
    const s = step();
    for (const [helo, names] of [['198.51.100.7', ['HELO_BAREIP', 'RDNS_NONE']], ['WORKSTATION', ['HELO_NOT_FQDN', 'RDNS_NONE']]] as const) {
      const c = client(helo);
      await s.connect!(c);
      const message = messageUnderCheck('Subject: x\r\n\r\n', { envelope: envelope({ client: c }) });
      await s.message!(message);
      expect(message.symbols.map((x) => x.name)).toEqual(names);
    }
  });

  it('checks nothing for trusted networks', async () => {
    const s = step(['198.51.100.0/24']);
    for (let i = 0; i < 5; i++) expect(await s.connect!(client('bad!name'))).toBeUndefined();
    expect(await s.recipient!(envelope({ client: client('bad!name') }), rcpt)).toBeUndefined();
  });
});
