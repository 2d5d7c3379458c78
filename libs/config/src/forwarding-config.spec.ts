import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

describe('forwarding configuration (SRS)', () => {
  it('defaults to the forwarding address own domain and 21 days, as postsrsd', () => {
    expect(parseConfig({}).forwarding).toEqual({ srsDomain: null, srsMaxAge: 21 * 86_400_000 });
  });

  it('takes an SRS domain (lower-cased) and a max age in days', () => {
    expect(parseConfig({ MAILSTEAD_SRS_DOMAIN: ' Forward.Example ', MAILSTEAD_SRS_MAX_AGE: '30d' }).forwarding).toEqual({ srsDomain: 'forward.example', srsMaxAge: 30 * 86_400_000 });
  });

  it('refuses a max age under a day or beyond what the 10-bit day stamp can tell apart', () => {
    expect(() => parseConfig({ MAILSTEAD_SRS_MAX_AGE: '12h' })).toThrow(ConfigError);
    expect(() => parseConfig({ MAILSTEAD_SRS_MAX_AGE: '1024d' })).toThrow(/MAILSTEAD_SRS_MAX_AGE/);
    expect(parseConfig({ MAILSTEAD_SRS_MAX_AGE: '1023d' }).forwarding.srsMaxAge).toBe(1023 * 86_400_000);
  });
});
