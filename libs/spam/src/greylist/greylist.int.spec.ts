import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '@mailstead/testing';
import { Greylist, PASSED_LIFETIME_MS } from './greylist';

const MINUTE = 60_000;
let redis: Redis;
let now = Date.UTC(2026, 11, 4, 12, 0, 0);

beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

const greylist = (autoAllow = 0) => new Greylist(redis, { delay: 5 * MINUTE, window: 36 * 60 * MINUTE, autoAllow }, { prefix: `test:${randomUUID()}`, now: () => now });
const attempt = { ip: '192.0.2.10', sender: 'Someone@Sender.example', recipient: 'alice@example.test' };

describe('Greylist (real Redis, clock in the test)', () => {
  it('defers a first attempt and an early retry, passes a retry after the delay, then passes at once', async () => {
    const g = greylist();
    expect(await g.check(attempt)).toEqual({ pass: false, reason: 'new', retryAfterMs: 5 * MINUTE });
    now += 4 * MINUTE;
    expect(await g.check(attempt)).toEqual({ pass: false, reason: 'early', retryAfterMs: MINUTE });
    now += MINUTE;
    expect(await g.check({ ...attempt, ip: '192.0.2.200', sender: 'someone@sender.example' })).toEqual({ pass: true, reason: 'retried' });
    now += 10 * 86_400_000;
    expect(await g.check(attempt)).toEqual({ pass: true, reason: 'known' });
  });

  it('keeps triplets apart: another sender, recipient or network starts over', async () => {
    const g = greylist();
    await g.check(attempt);
    now += 6 * MINUTE;
    expect((await g.check({ ...attempt, sender: 'other@sender.example' })).pass).toBe(false);
    expect((await g.check({ ...attempt, recipient: 'bob@example.test' })).pass).toBe(false);
    expect((await g.check({ ...attempt, ip: '192.0.3.10' })).pass).toBe(false);
    expect((await g.check(attempt)).pass).toBe(true);
  });

  it('starts over when the retry comes after the window, and when a passed triplet was not seen for its lifetime', async () => {
    const g = greylist();
    await g.check(attempt);
    now += 37 * 60 * MINUTE;
    expect(await g.check(attempt)).toMatchObject({ pass: false, reason: 'new' });
    now += 6 * MINUTE;
    expect((await g.check(attempt)).pass).toBe(true);
    now += PASSED_LIFETIME_MS;
    expect(await g.check(attempt)).toMatchObject({ pass: false, reason: 'new' });
  });

  it('auto-allows a client network after N passes, and a verified host domain from other networks', async () => {
    const g = greylist(2);
    for (const recipient of ['a@example.test', 'b@example.test']) {
      await g.check({ ...attempt, recipient, clientDomain: 'sender.example' });
      now += 6 * MINUTE;
      expect((await g.check({ ...attempt, recipient, clientDomain: 'sender.example' })).reason).toBe('retried');
    }
    expect(await g.check({ ...attempt, recipient: 'c@example.test' })).toEqual({ pass: true, reason: 'auto-allowed' });
    expect(await g.check({ ...attempt, ip: '198.51.100.9', recipient: 'c@example.test', clientDomain: 'sender.example' })).toEqual({ pass: true, reason: 'auto-allowed' });
    expect((await g.check({ ...attempt, ip: '198.51.100.9', recipient: 'c@example.test' })).pass).toBe(false);
  });

  it('greylists IPv6 clients by their /64', async () => {
    const g = greylist();
    await g.check({ ...attempt, ip: '2001:db8:1:2::10' });
    now += 6 * MINUTE;
    expect((await g.check({ ...attempt, ip: '2001:db8:1:2:ffff::1' })).pass).toBe(true);
    expect((await g.check({ ...attempt, ip: '2001:db8:1:3::10' })).pass).toBe(false);
  });
});
