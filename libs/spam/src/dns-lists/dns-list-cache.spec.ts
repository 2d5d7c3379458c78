import { describe, expect, it } from 'vitest';
import { ExpiringCache } from './dns-list-cache';

describe('ExpiringCache', () => {
  it('forgets an entry when its TTL has passed', () => {
    let now = 1_000;
    const cache = new ExpiringCache<string>(10, () => now);
    cache.set('a', 'x', 500);
    expect(cache.get('a')).toBe('x');
    now += 499;
    expect(cache.get('a')).toBe('x');
    now += 1;
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const cache = new ExpiringCache<number>(3);
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i, 60_000);
    expect(cache.size).toBe(3);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k1')).toBeUndefined();
    expect([cache.get('k2'), cache.get('k3'), cache.get('k4')]).toEqual([2, 3, 4]);
  });
});
