import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

describe('MX connection checks and outbound limits (MAILSTEAD_DNSBL ..., MAILSTEAD_SUBMISSION_RATE_*)', () => {
  it('defaults to loopback trusted, greylisting on, no DNS lists', () => {
    const d = parseConfig({}).smtpDefence;
    expect(d).toMatchObject({ trustedNetworks: ['127.0.0.0/8', '::1'], dnsbl: [], dnsblDomains: [], dnswl: [], dnsTimeout: 1500, greylist: { enabled: true, delay: 300_000, window: 36 * 3_600_000, autoAllow: 5 } });
    expect(d.submission).toEqual({ messages: 200, recipients: 1000, domainMessages: 2000, domainRecipients: 10000 });
  });

  it('reads list entries with their actions, and an empty trusted list as none', () => {
    const d = parseConfig({ MAILSTEAD_TRUSTED_NETWORKS: '', MAILSTEAD_DNSBL: 'Zen.Spamhaus.org=reject, bl.spamcop.net=score:3,plain.example', MAILSTEAD_DNSWL: 'list.dnswl.org=score:-1.5,wl.example' }).smtpDefence;
    expect(d.trustedNetworks).toEqual([]);
    expect(d.dnsbl).toEqual([
      { zone: 'zen.spamhaus.org', action: 'reject', score: 0 },
      { zone: 'bl.spamcop.net', action: 'score', score: 3 },
      { zone: 'plain.example', action: 'reject', score: 0 },
    ]);
    expect(d.dnswl).toEqual([
      { zone: 'list.dnswl.org', action: 'score', score: -1.5 },
      { zone: 'wl.example', action: 'score', score: 0 },
    ]);
  });

  it('refuses malformed entries, and reject on an allowlist', () => {
    expect(() => parseConfig({ MAILSTEAD_DNSBL: 'zen.spamhaus.org=block' })).toThrow(ConfigError);
    expect(() => parseConfig({ MAILSTEAD_DNSBL: 'not a zone=reject' })).toThrow(/MAILSTEAD_DNSBL/);
    expect(() => parseConfig({ MAILSTEAD_DNSBL: 'bl.example=score:x' })).toThrow(/score:N/);
    expect(() => parseConfig({ MAILSTEAD_DNSWL: 'wl.example=reject' })).toThrow(/MAILSTEAD_DNSWL/);
    expect(() => parseConfig({ MAILSTEAD_TRUSTED_NETWORKS: '10.0.0.0/33' })).toThrow(/MAILSTEAD_TRUSTED_NETWORKS/);
  });
});
