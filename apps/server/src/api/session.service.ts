import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../app/tokens';

export interface SessionData {
  accountId: number;
  /** Double-submit token: also in a readable cookie; state-changing requests echo it in X-CSRF-Token. */
  csrf: string;
  createdAt: number;
  ip: string;
}

export const SESSION_COOKIE = 'mailstead_session';
export const CSRF_COOKIE = 'mailstead_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Idle lifetime; every authenticated request extends it. */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

const key = (token: string) => `mailstead:session:${createHash('sha256').update(token).digest('hex')}`;
const accountKey = (accountId: number) => `mailstead:sessions:${accountId}`;

/**
 * Web sessions in Redis, so every API process shares them. Only the SHA-256 of the cookie
 * value is stored: a Redis dump does not hand out live sessions.
 */
@Injectable()
export class SessionService {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async create(accountId: number, ip: string): Promise<{ token: string; data: SessionData }> {
    const token = randomBytes(32).toString('base64url');
    const data: SessionData = { accountId, csrf: randomBytes(24).toString('base64url'), createdAt: Date.now(), ip };
    await this.redis
      .multi()
      .set(key(token), JSON.stringify(data), 'EX', SESSION_TTL_SECONDS)
      .sadd(accountKey(accountId), key(token))
      .expire(accountKey(accountId), SESSION_TTL_SECONDS)
      .exec();
    return { token, data };
  }

  async get(token: string): Promise<SessionData | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const raw = await this.redis.getex(key(token), 'EX', SESSION_TTL_SECONDS);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as SessionData;
    } catch {
      return null;
    }
  }

  async destroy(token: string, accountId: number): Promise<void> {
    await this.redis.multi().del(key(token)).srem(accountKey(accountId), key(token)).exec();
  }

  /** Ends every session of an account except `keep` (after a password change). */
  async destroyOthers(accountId: number, keep?: string): Promise<void> {
    const keys = await this.redis.smembers(accountKey(accountId));
    const others = keys.filter((k) => k !== (keep ? key(keep) : undefined));
    if (others.length > 0) await this.redis.multi().del(...others).srem(accountKey(accountId), ...others).exec();
  }
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
