import { describe, expect, it } from 'vitest';
import { appendLimitCapability, exceededResource, formatQuota, formatQuotaRoot, quotaResources } from './quota';

describe('QUOTA responses (RFC 9208)', () => {
  it('lists limited resources, STORAGE in KiB rounded safely (section 5.1)', () => {
    const resources = quotaResources({ storageBytes: 10_241n, storageLimitBytes: 524_288n + 1000n, messages: 3, messageLimit: 1000 });
    expect(resources).toEqual([
      { name: 'STORAGE', usage: 11n, limit: 512n },
      { name: 'MESSAGE', usage: 3n, limit: 1000n },
    ]);
    expect(formatQuota('', resources)).toBe('* QUOTA "" (STORAGE 11 512 MESSAGE 3 1000)');
    expect(quotaResources({ storageBytes: 0n, storageLimitBytes: null, messages: 0, messageLimit: null })).toEqual([]);
    expect(formatQuota('', [])).toBe('* QUOTA "" ()');
  });

  it('formats QUOTAROOT with the account root (section 7.2)', () => {
    expect(formatQuotaRoot('INBOX')).toBe('* QUOTAROOT INBOX ""');
    expect(formatQuotaRoot('"My Box"', ['', 'x"y'])).toBe('* QUOTAROOT "My Box" "" "x\\"y"');
  });

  it('names the resource an APPEND would exceed (OVERQUOTA, section 4.3)', () => {
    const usage = { storageBytes: 900n, storageLimitBytes: 1000n, messages: 9, messageLimit: 10 };
    expect(exceededResource(usage, 100n, 1)).toBeNull();
    expect(exceededResource(usage, 101n, 1)).toBe('STORAGE');
    expect(exceededResource(usage, 1n, 2)).toBe('MESSAGE');
    expect(exceededResource({ ...usage, storageLimitBytes: null, messageLimit: null }, 10n ** 12n, 10 ** 6)).toBeNull();
    expect(appendLimitCapability(26_214_400)).toBe('APPENDLIMIT=26214400');
  });
});
