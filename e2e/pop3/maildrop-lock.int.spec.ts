import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisLoginDelayGate, RedisMaildropLock } from '@mailstead/pop3';
import { redisUrl } from '@mailstead/testing';

// The maildrop lock against the real Redis, with two clients standing for two processes.
const prefix = `test:lock:${randomBytes(4).toString('hex')}`;
const a = new Redis(redisUrl());
const b = new Redis(redisUrl());
afterAll(() => {
  a.disconnect();
  b.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RedisMaildropLock', () => {
  it('lets one holder in per mailbox across processes, and the next one in after release', async () => {
    const one = new RedisMaildropLock(a, { prefix });
    const two = new RedisMaildropLock(b, { prefix });
    const lease = await one.acquire(1);
    expect(lease).not.toBeNull();
    expect(await two.acquire(1)).toBeNull();
    const other = await two.acquire(2);
    expect(other).not.toBeNull();
    await lease!.release();
    await lease!.release(); // idempotent
    const next = await two.acquire(1);
    expect(next).not.toBeNull();
    await Promise.all([next!.release(), other!.release()]);
  });

  it('renews the lock while the session lives, well past its time-to-live', async () => {
    const lock = new RedisMaildropLock(a, { prefix, ttlMs: 2000 });
    const lease = (await lock.acquire(3))!;
    await sleep(5000);
    expect(lease.lost).toBe(false);
    expect(await new RedisMaildropLock(b, { prefix }).acquire(3)).toBeNull();
    await lease.release();
    expect(await b.exists(`${prefix}:3`)).toBe(0);
  });

  it('reports a lease whose key another holder took as lost, and never deletes that holder\'s key on release', async () => {
    const lock = new RedisMaildropLock(a, { prefix, ttlMs: 600 });
    const lease = (await lock.acquire(4))!;
    await b.set(`${prefix}:4`, 'someone-else', 'PX', 60_000);
    for (let i = 0; i < 100 && !lease.lost; i++) await sleep(50);
    expect(lease.lost).toBe(true);
    await lease.release();
    expect(await b.get(`${prefix}:4`)).toBe('someone-else');
  });

  it('frees a maildrop whose holder died without releasing once the key expires', async () => {
    await b.set(`${prefix}:5`, 'crashed-process', 'PX', 300);
    const lock = new RedisMaildropLock(a, { prefix });
    expect(await lock.acquire(5)).toBeNull();
    let lease = null;
    for (let i = 0; i < 100 && !lease; i++) {
      await sleep(50);
      lease = await lock.acquire(5);
    }
    expect(lease).not.toBeNull();
    await lease!.release();
  });
});

describe('RedisLoginDelayGate', () => {
  it('admits one login per account per delay, and every login when the delay is 0', async () => {
    const gate = new RedisLoginDelayGate(a, `${prefix}:delay`);
    expect(await gate.admit(1, 60)).toBe(true);
    expect(await gate.admit(1, 60)).toBe(false);
    expect(await gate.admit(2, 60)).toBe(true);
    expect(await gate.admit(1, 0)).toBe(true);
    expect(await gate.admit(3, 0)).toBe(true);
    expect(await gate.admit(3, 0)).toBe(true);
  });
});
