import { describe, expect, it } from 'vitest';
import { DomainLimiter } from './domain-limiter';

describe('DomainLimiter', () => {
  it('lets at most `limit` holders per domain through and hands slots to waiters in order', async () => {
    const limiter = new DomainLimiter(2);
    const a = await limiter.acquire('x.test');
    const b = await limiter.acquire('x.test');
    const other = await limiter.acquire('y.test');
    expect(limiter.inUse('x.test')).toBe(2);
    const order: string[] = [];
    const c = limiter.acquire('x.test').then((release) => (order.push('c'), release));
    const d = limiter.acquire('x.test').then((release) => (order.push('d'), release));
    // A later acquire for a domain with room resolves through the same steps: once it has, c and
    // d would have too, had they not been made to wait.
    const probe = await limiter.acquire('y.test').then((release) => (order.push('probe'), release));
    expect(order).toEqual(['probe']);
    probe();
    a();
    a(); // releasing twice frees one slot only
    const releaseC = await c;
    expect(order).toEqual(['probe', 'c']);
    b();
    const releaseD = await d;
    expect(order).toEqual(['probe', 'c', 'd']);
    releaseC();
    releaseD();
    other();
    expect(limiter.inUse('x.test')).toBe(0);
    expect(limiter.inUse('y.test')).toBe(0);
  });
});
