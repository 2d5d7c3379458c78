import type { Redis } from 'ioredis';

/**
 * Fixed-window counters in Redis, shared by every process: `add` counts into the window `now`
 * falls in (windows of `windowMs`, aligned to the epoch), `count` reads it. A window's key
 * expires after the window. Times come from `now` (tests move it).
 */
export class RateCounter {
  constructor(
    private readonly redis: Redis,
    private readonly windowMs: number,
    private readonly options: { prefix?: string; now?: () => number } = {},
  ) {}

  /** The current window: its key suffix and the ms until it ends. */
  window(): { id: number; endsInMs: number } {
    const now = (this.options.now ?? Date.now)();
    const id = Math.floor(now / this.windowMs);
    return { id, endsInMs: (id + 1) * this.windowMs - now };
  }

  private key(name: string, id: number): string {
    return `${this.options.prefix ?? 'mailstead:rate'}:${name}:${id}`;
  }

  /** Adds `amount` to the counter and answers the new total of this window. */
  async add(name: string, amount = 1): Promise<number> {
    const { id } = this.window();
    const key = this.key(name, id);
    const result = await this.redis
      .multi()
      .incrby(key, amount)
      .pexpire(key, this.windowMs + 60_000)
      .exec();
    return Number(result?.[0]?.[1] ?? 0);
  }

  async count(name: string): Promise<number> {
    return Number((await this.redis.get(this.key(name, this.window().id))) ?? 0);
  }

  /** True the first time it is asked for `name` in this window (a once-per-window alert). */
  async firstInWindow(name: string): Promise<boolean> {
    const { id } = this.window();
    return (await this.redis.set(this.key(`once:${name}`, id), '1', 'PX', this.windowMs + 60_000, 'NX')) === 'OK';
  }
}
