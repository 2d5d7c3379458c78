import { describe, expect, it } from 'vitest';
import { DnsListChecker } from './dns-list-checker';
import type { DnsListResolver } from './dns-list-resolver';

const absent = () => Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });

/** A resolver answering from a table; names mapped to 'hang' never answer. */
function fakeResolver(table: Record<string, string[] | 'hang'>): DnsListResolver & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async resolve4(name) {
      queries.push(name);
      const answer = table[name];
      if (answer === 'hang') return new Promise(() => undefined);
      if (!answer) throw absent();
      return answer.map((address) => ({ address, ttl: 300 }));
    },
    async resolve6() {
      throw absent();
    },
    async reverse() {
      throw absent();
    },
  };
}

describe('DnsListChecker', () => {
  const lists = [
    { zone: 'block.test', action: 'reject' as const, score: 0 },
    { zone: 'score.test', action: 'score' as const, score: 3 },
  ];

  it('reports the lists that list an IP, with their action, and not the ones that do not', async () => {
    const resolver = fakeResolver({ '2.0.0.127.block.test': ['127.0.0.2'] });
    const checker = new DnsListChecker({ resolver, timeoutMs: 1000 });
    expect(await checker.checkIp('127.0.0.2', lists)).toEqual([{ zone: 'block.test', action: 'reject', score: 0, answer: '127.0.0.2', subject: '127.0.0.2' }]);
    expect(await checker.checkIp('192.0.2.1', lists)).toEqual([]);
  });

  it('treats 127.255.255.x refusals and non-127 answers as not listed, and logs the refusal', async () => {
    const warnings: string[] = [];
    const resolver = fakeResolver({ '1.2.0.192.block.test': ['127.255.255.254'], '1.2.0.192.score.test': ['198.51.100.1'] });
    const checker = new DnsListChecker({ resolver, timeoutMs: 1000, logger: { warn: (_o, msg) => warnings.push(msg) } });
    expect(await checker.checkIp('192.0.2.1', lists)).toEqual([]);
    expect(warnings.some((w) => w.includes('refused'))).toBe(true);
  });

  it('bounds every lookup and runs all lists of a check at once: two silent lists cost one bound', async () => {
    const resolver = fakeResolver({ '1.2.0.192.block.test': 'hang', '1.2.0.192.score.test': 'hang' });
    const checker = new DnsListChecker({ resolver, timeoutMs: 200 });
    const started = performance.now();
    expect(await checker.checkIp('192.0.2.1', lists)).toEqual([]);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(390);
  });

  it('answers repeated lookups from the cache until the TTL passes', async () => {
    let now = 0;
    const resolver = fakeResolver({ '1.2.0.192.score.test': ['127.0.0.4'] });
    const checker = new DnsListChecker({ resolver, timeoutMs: 1000, now: () => now });
    await checker.checkIp('192.0.2.1', lists);
    await checker.checkIp('192.0.2.1', lists);
    expect(resolver.queries).toHaveLength(2);
    now += 301_000;
    const hits = await checker.checkIp('192.0.2.1', lists);
    expect(resolver.queries).toHaveLength(4);
    expect(hits.map((h) => h.zone)).toEqual(['score.test']);
  });

  it('checks domains under a domain list', async () => {
    const resolver = fakeResolver({ 'spammer.example.block.test': ['127.0.1.2'] });
    const checker = new DnsListChecker({ resolver, timeoutMs: 1000 });
    expect((await checker.checkDomain('Spammer.example', lists)).map((h) => h.subject)).toEqual(['spammer.example']);
  });
});
