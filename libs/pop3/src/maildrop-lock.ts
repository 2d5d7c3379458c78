import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A held maildrop lock. */
export interface MaildropLease {
  /** True once the lock was found taken by someone else (e.g. expired while Redis was away). */
  readonly lost: boolean;
  release(): Promise<void>;
}

/** RFC 1939 8: one POP3 session per maildrop, across every process serving it. */
export interface MaildropLock {
  /** The lease, or null when another session holds the maildrop. */
  acquire(mailboxId: number): Promise<MaildropLease | null>;
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * The lock as a Redis key per mailbox: SET NX PX with a random token, renewed every third of
 * its lifetime while the session lives, deleted (only by its owner) on QUIT or disconnect.
 * A process that dies without releasing it frees the maildrop when the key expires.
 */
export class RedisMaildropLock implements MaildropLock {
  constructor(
    private readonly redis: Redis,
    private readonly options: { ttlMs?: number; prefix?: string } = {},
  ) {}

  private get ttlMs(): number {
    return this.options.ttlMs ?? 30_000;
  }

  async acquire(mailboxId: number): Promise<MaildropLease | null> {
    const key = `${this.options.prefix ?? 'mailstead:pop3:lock'}:${mailboxId}`;
    const token = randomBytes(16).toString('hex');
    const set = await this.redis.set(key, token, 'PX', this.ttlMs, 'NX');
    if (set !== 'OK') return null;
    const redis = this.redis;
    const ttlMs = this.ttlMs;
    let lost = false;
    let released = false;
    const timer = setInterval(() => {
      redis.eval(RENEW, 1, key, token, ttlMs).then(
        (renewed) => {
          if (Number(renewed) === 0 && !released) {
            lost = true;
            clearInterval(timer);
          }
        },
        () => undefined, // Redis unreachable for a moment: the next renewal tries again
      );
    }, Math.max(50, Math.floor(ttlMs / 3)));
    timer.unref();
    return {
      get lost() {
        return lost;
      },
      async release() {
        if (released) return;
        released = true;
        clearInterval(timer);
        await redis.eval(RELEASE, 1, key, token);
      },
    };
  }
}

/** RFC 2449 6.5 LOGIN-DELAY: the least time between two logins of one account, enforced. */
export interface LoginDelayGate {
  /** Records a login; false when the previous one was less than `seconds` ago. */
  admit(accountId: number, seconds: number): Promise<boolean>;
}

export class RedisLoginDelayGate implements LoginDelayGate {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'mailstead:pop3:login-delay',
  ) {}

  async admit(accountId: number, seconds: number): Promise<boolean> {
    if (seconds <= 0) return true;
    return (await this.redis.set(`${this.prefix}:${accountId}`, '1', 'EX', seconds, 'NX')) === 'OK';
  }
}
