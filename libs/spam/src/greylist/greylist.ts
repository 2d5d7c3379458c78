import type { Redis } from 'ioredis';
import { clientNetwork } from './ip-networks';

export interface GreylistSettings {
  /** ms a first attempt must wait before a retry passes */
  delay: number;
  /** ms after the first attempt within which a retry passes */
  window: number;
  /** passes after which a client network (or verified host domain) is no longer greylisted; 0 = never */
  autoAllow: number;
}

export interface GreylistAttempt {
  ip: string;
  /** MAIL FROM ('' for the null sender) */
  sender: string;
  recipient: string;
  /** the parent domain of the client's forward-confirmed host name, when it has one (auto-allow by domain) */
  clientDomain?: string | null;
}

export type GreylistVerdict =
  | { pass: true; reason: 'auto-allowed' | 'known' | 'retried' }
  | { pass: false; reason: 'new' | 'early'; retryAfterMs: number };

/** A triplet that passed once passes this long after it was last seen (postgrey's --max-age, 35 days). */
export const PASSED_LIFETIME_MS = 35 * 86_400_000;

/**
 * Greylisting (Harris's triplet scheme, as postgrey does it): the (client /24 or /64, sender,
 * recipient) triplet of a first attempt is remembered in Redis and deferred; a retry at least
 * `delay` and at most `window` later passes, and the triplet then passes at once for
 * PASSED_LIFETIME_MS. A client network that passed `autoAllow` times is no longer greylisted
 * (postgrey's --auto-whitelist-clients). Times come from `now` (tests move it); Redis expiry only
 * cleans up.
 */
export class Greylist {
  constructor(
    private readonly redis: Redis,
    private readonly settings: GreylistSettings,
    private readonly options: { prefix?: string; now?: () => number } = {},
  ) {}

  private get prefix(): string {
    return this.options.prefix ?? 'mailstead:greylist';
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async check(attempt: GreylistAttempt): Promise<GreylistVerdict> {
    const now = this.now();
    const network = clientNetwork(attempt.ip);
    const allowKeys = [`${this.prefix}:allow:net:${network}`, ...(attempt.clientDomain ? [`${this.prefix}:allow:domain:${attempt.clientDomain.toLowerCase()}`] : [])];
    if (this.settings.autoAllow > 0) {
      const counts = await this.redis.mget(...allowKeys);
      if (counts.some((c) => Number(c ?? 0) >= this.settings.autoAllow)) return { pass: true, reason: 'auto-allowed' };
    }
    const key = `${this.prefix}:triplet:${network}|${attempt.sender.toLowerCase()}|${attempt.recipient.toLowerCase()}`;
    const entry = await this.redis.hmget(key, 'first', 'passed');
    const first = entry[0] ? Number(entry[0]) : null;
    const passed = entry[1] ? Number(entry[1]) : null;
    const lifetimeSeconds = Math.ceil(PASSED_LIFETIME_MS / 1000);
    if (passed !== null && now - passed < PASSED_LIFETIME_MS) {
      await this.redis.multi().hset(key, 'passed', String(now)).expire(key, lifetimeSeconds).exec();
      return { pass: true, reason: 'known' };
    }
    if (first !== null && now >= first && now - first <= this.settings.window) {
      const waited = now - first;
      if (waited < this.settings.delay) return { pass: false, reason: 'early', retryAfterMs: this.settings.delay - waited };
      const tx = this.redis.multi().hset(key, 'passed', String(now)).expire(key, lifetimeSeconds);
      for (const k of allowKeys) tx.incr(k).expire(k, lifetimeSeconds);
      await tx.exec();
      return { pass: true, reason: 'retried' };
    }
    await this.redis
      .multi()
      .hset(key, 'first', String(now))
      .hdel(key, 'passed')
      .expire(key, Math.ceil(this.settings.window / 1000) + 60)
      .exec();
    return { pass: false, reason: 'new', retryAfterMs: this.settings.delay };
  }
}
