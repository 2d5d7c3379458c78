/** At most `limit` simultaneous connections per destination domain in this process. */
export class DomainLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly limit: number) {}

  async acquire(domain: string): Promise<() => void> {
    if ((this.active.get(domain) ?? 0) >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.set(domain, [...(this.waiting.get(domain) ?? []), resolve]));
    } else {
      this.active.set(domain, (this.active.get(domain) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.get(domain)?.shift();
      // Hand the slot straight to the next waiter; otherwise give it back.
      if (next) next();
      else if ((this.active.get(domain) ?? 1) <= 1) this.active.delete(domain);
      else this.active.set(domain, this.active.get(domain)! - 1);
    };
  }

  inUse(domain: string): number {
    return this.active.get(domain) ?? 0;
  }
}
