import type { Redis } from 'ioredis';

export interface ThrottleLimits {
  maxFailuresPerIp: number;
  maxFailuresPerAccount: number;
  windowSeconds: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: 'ip' | 'account' };

/**
 * Counts failed logins per IP and per account in Redis, shared by every protocol and process.
 * A fixed window per key: the first failure starts it, later ones only count.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly limits: ThrottleLimits,
    private readonly prefix = 'mailstead:login',
  ) {}

  private keys(ip: string, account: string) {
    return { ip: `${this.prefix}:ip:${ip}`, account: `${this.prefix}:acct:${account.toLowerCase()}` };
  }

  async check(ip: string, account: string): Promise<ThrottleVerdict> {
    const k = this.keys(ip, account);
    const [[, ipCount], [, accountCount], [, ipTtl], [, accountTtl]] = (await this.redis
      .multi()
      .get(k.ip)
      .get(k.account)
      .ttl(k.ip)
      .ttl(k.account)
      .exec()) as [unknown, string | null][] & [unknown, number][];
    if (Number(ipCount ?? 0) >= this.limits.maxFailuresPerIp) return { allowed: false, scope: 'ip', retryAfterSeconds: Math.max(1, Number(ipTtl)) };
    if (Number(accountCount ?? 0) >= this.limits.maxFailuresPerAccount) {
      return { allowed: false, scope: 'account', retryAfterSeconds: Math.max(1, Number(accountTtl)) };
    }
    return { allowed: true };
  }

  async recordFailure(ip: string, account: string): Promise<void> {
    const k = this.keys(ip, account);
    await this.redis
      .multi()
      .incr(k.ip)
      .expire(k.ip, this.limits.windowSeconds, 'NX')
      .incr(k.account)
      .expire(k.account, this.limits.windowSeconds, 'NX')
      .exec();
  }

  /** A successful login forgives the account's failures (not the IP's). */
  async recordSuccess(account: string): Promise<void> {
    await this.redis.del(this.keys('', account).account);
  }
}
