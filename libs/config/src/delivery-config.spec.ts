import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

describe('delivery configuration', () => {
  it('has the documented defaults', () => {
    expect(parseConfig({}).delivery).toEqual({
      dnsServers: [],
      port: 25,
      smarthost: undefined,
      transportRules: {},
      concurrency: 10,
      connectionsPerDomain: 3,
      retrySchedule: [5, 10, 20, 40, 60].map((m) => m * 60_000),
      maxAge: 5 * 86_400_000,
      delayWarning: 4 * 3_600_000,
      tlsVerify: false,
      scanInterval: 2000,
      lease: 60_000,
      listBounceThreshold: 5,
      listBounceAction: 'disable',
    });
  });

  it('parses servers, durations and transport rules', () => {
    const d = parseConfig({
      MAILSTEAD_DNS_SERVERS: '127.0.0.1:5353, 10.0.0.1',
      MAILSTEAD_DELIVERY_RETRY_SCHEDULE: '30s,2m,1h',
      MAILSTEAD_DELIVERY_MAX_AGE: '2d',
      MAILSTEAD_DELIVERY_SCAN_INTERVAL: '250ms',
      MAILSTEAD_TRANSPORT_RULES: 'Example.com=smtp://relay:2525, other.org=smtps://u:p@relay2',
    }).delivery;
    expect(d.dnsServers).toEqual(['127.0.0.1:5353', '10.0.0.1']);
    expect(d.retrySchedule).toEqual([30_000, 120_000, 3_600_000]);
    expect(d.maxAge).toBe(2 * 86_400_000);
    expect(d.scanInterval).toBe(250);
    expect(parseConfig({ MAILSTEAD_DELIVERY_DELAY_WARNING: 'off' }).delivery.delayWarning).toBe(0);
    expect(d.transportRules).toEqual({ 'example.com': 'smtp://relay:2525', 'other.org': 'smtps://u:p@relay2' });
    expect(parseConfig({ MAILSTEAD_LIST_BOUNCE_THRESHOLD: '0', MAILSTEAD_LIST_BOUNCE_ACTION: 'remove' }).delivery).toMatchObject({ listBounceThreshold: 0, listBounceAction: 'remove' });
    expect(() => parseConfig({ MAILSTEAD_LIST_BOUNCE_ACTION: 'ignore' })).toThrow(ConfigError);
  });

  it('refuses bad durations and rules', () => {
    expect(() => parseConfig({ MAILSTEAD_DELIVERY_RETRY_SCHEDULE: '5m,soon' })).toThrow(ConfigError);
    expect(() => parseConfig({ MAILSTEAD_DELIVERY_MAX_AGE: '0d' })).toThrow(ConfigError);
    expect(() => parseConfig({ MAILSTEAD_TRANSPORT_RULES: 'example.com' })).toThrow(ConfigError);
  });
});
