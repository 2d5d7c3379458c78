import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

describe('parseConfig', () => {
  it('gives the dev defaults (docs/architecture.md, ports) when nothing is set', () => {
    const c = parseConfig({}, '/srv');
    expect(c.roles).toEqual(['api', 'smtp', 'imap', 'pop3', 'worker', 'managesieve']);
    expect(c.managesieve.plain.port).toBe(24190);
    expect(c.http.port).toBe(8080);
    expect(c.smtp.mx.port).toBe(2525);
    expect(c.smtp.submission.port).toBe(2587);
    expect(c.smtp.submissions.port).toBe(2465);
    expect(c.imap.plain.port).toBe(2143);
    expect(c.imap.tls.port).toBe(2993);
    expect(c.pop3.plain.port).toBe(2110);
    expect(c.pop3.tls.port).toBe(2995);
    expect(c.dataDir).toBe('/srv/.mailstead');
    expect(c.database.url).toBeUndefined();
    expect(c.auth.insecure).toBe(false);
  });

  it('reads roles, ports and flags', () => {
    const c = parseConfig({ MAILSTEAD_ROLES: 'imap, pop3,imap', MAILSTEAD_IMAP_PORT: '1143', MAILSTEAD_INSECURE_AUTH: 'yes', DATABASE_URL: ' ' });
    expect(c.roles).toEqual(['imap', 'pop3']);
    expect(c.imap.plain.port).toBe(1143);
    expect(c.auth.insecure).toBe(true);
    expect(c.database.url).toBeUndefined();
  });

  it('trusts no proxy by default, and reads MAILSTEAD_TRUSTED_PROXIES as checked addresses and CIDRs', () => {
    expect(parseConfig({}).http.trustedProxies).toEqual([]);
    expect(parseConfig({ MAILSTEAD_TRUSTED_PROXIES: ' 127.0.0.1/32, 10.0.0.0/8,::1 ,fd00::/8' }).http.trustedProxies).toEqual(['127.0.0.1/32', '10.0.0.0/8', '::1', 'fd00::/8']);
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'proxy.example', '10.0.0.0/8/1', '10.0.0.0/', '*']) {
      expect(() => parseConfig({ MAILSTEAD_TRUSTED_PROXIES: bad }), bad).toThrow(/MAILSTEAD_TRUSTED_PROXIES: ".*" is not an IP address or CIDR/);
    }
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      parseConfig({ MAILSTEAD_ROLES: 'api,mx', MAILSTEAD_HTTP_PORT: 'eighty', MAILSTEAD_ADMIN_ADDRESS: 'nobody' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/MAILSTEAD_ROLES: unknown role "mx"/);
    expect(problems).toMatch(/MAILSTEAD_HTTP_PORT/);
    expect(problems).toMatch(/MAILSTEAD_ADMIN_ADDRESS/);
  });

  it('requires the TLS certificate and key together', () => {
    expect(() => parseConfig({ MAILSTEAD_TLS_CERT: 'cert.pem' })).toThrow(/set together/);
  });

  it('tells mail clients the listener ports unless MAILSTEAD_CLIENT_PORTS says otherwise', () => {
    expect(parseConfig({ MAILSTEAD_IMAPS_PORT: '3993' }).clientPorts).toEqual({ imaps: 3993, imap: 2143, pop3s: 2995, pop3: 2110, submissions: 2465, submission: 2587 });
    expect(parseConfig({ MAILSTEAD_CLIENT_PORTS: 'standard' }).clientPorts).toEqual({ imaps: 993, imap: 143, pop3s: 995, pop3: 110, submissions: 465, submission: 587 });
    expect(parseConfig({ MAILSTEAD_CLIENT_PORTS: 'imaps=993, submissions=465' }).clientPorts).toMatchObject({ imaps: 993, submissions: 465, imap: 2143 });
    expect(() => parseConfig({ MAILSTEAD_CLIENT_PORTS: 'imapx=993' })).toThrow(/imapx=993/);
    expect(() => parseConfig({ MAILSTEAD_CLIENT_PORTS: 'imaps=99999' })).toThrow(ConfigError);
  });
});
