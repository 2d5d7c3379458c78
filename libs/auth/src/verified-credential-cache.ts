import { createHmac, randomBytes } from 'node:crypto';

/**
 * Remembers, for a short time, that a password matched a stored argon2id hash, so a client
 * that logs in again and again (phones polling IMAP, POP3 fetchers, SMTP submissions from an
 * app) costs one argon2 verification per TTL instead of one per login — what Dovecot's
 * auth_cache does. Only successes are remembered: every wrong guess still pays the full argon2
 * cost and the login throttle. An entry is a keyed hash (HMAC-SHA256 with a per-process random
 * key) of the stored hash and the password; it never holds the password itself. Because the
 * stored hash is part of the key, a password change or a revoked app password invalidates its
 * entries at once (the caller always passes the hash it just read from the store).
 */
export class VerifiedCredentialCache {
  private readonly key = randomBytes(32);
  /** digest -> expiry (ms since epoch); Map keeps insertion order, so the first is the oldest */
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0 && this.maxEntries > 0;
  }

  /** True when this password was verified against this exact hash within the TTL. */
  has(storedHash: string, password: string): boolean {
    if (!this.enabled) return false;
    const digest = this.digest(storedHash, password);
    const expires = this.entries.get(digest);
    if (expires === undefined) return false;
    if (expires <= this.now()) {
      this.entries.delete(digest);
      return false;
    }
    return true;
  }

  /** Records a successful argon2 verification (never call it for a failed one). */
  remember(storedHash: string, password: string): void {
    if (!this.enabled) return;
    const digest = this.digest(storedHash, password);
    this.entries.delete(digest);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(digest, this.now() + this.ttlMs);
  }

  get size(): number {
    return this.entries.size;
  }

  private digest(storedHash: string, password: string): string {
    return createHmac('sha256', this.key).update(storedHash).update('\0').update(password).digest('base64');
  }
}
