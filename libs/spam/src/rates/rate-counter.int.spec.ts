import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '@mailstead/testing';
import { RateCounter } from './rate-counter';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

describe('RateCounter (real Redis, clock in the test)', () => {
  it('counts within a window, starts at zero in the next, and answers firstInWindow once per window', async () => {
    let now = 3_600_000 * 1000 + 10;
    const counter = new RateCounter(redis, 3_600_000, { prefix: `test:${randomUUID()}`, now: () => now });
    expect(await counter.add('acct:1')).toBe(1);
    expect(await counter.add('acct:1', 4)).toBe(5);
    expect(await counter.count('acct:1')).toBe(5);
    expect(await counter.count('acct:2')).toBe(0);
    expect(counter.window().endsInMs).toBe(3_600_000 - 10);
    expect(await counter.firstInWindow('alert')).toBe(true);
    expect(await counter.firstInWindow('alert')).toBe(false);
    now += 3_600_000;
    expect(await counter.count('acct:1')).toBe(0);
    expect(await counter.firstInWindow('alert')).toBe(true);
  });
});
