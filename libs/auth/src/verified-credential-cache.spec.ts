import { describe, expect, it } from 'vitest';
import { VerifiedCredentialCache } from './verified-credential-cache';

describe('VerifiedCredentialCache', () => {
  it('remembers a verified password for its hash until the TTL runs out', () => {
    let now = 1_000;
    const cache = new VerifiedCredentialCache(60_000, 100, () => now);
    expect(cache.has('$argon2id$hash-a', 'secret')).toBe(false);
    cache.remember('$argon2id$hash-a', 'secret');
    expect(cache.has('$argon2id$hash-a', 'secret')).toBe(true);
    expect(cache.has('$argon2id$hash-a', 'Secret')).toBe(false);
    // a new hash (password changed, or another app password) does not match the old entry
    expect(cache.has('$argon2id$hash-b', 'secret')).toBe(false);
    now += 60_000;
    expect(cache.has('$argon2id$hash-a', 'secret')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const cache = new VerifiedCredentialCache(60_000, 2);
    cache.remember('h1', 'p');
    cache.remember('h2', 'p');
    cache.remember('h3', 'p');
    expect(cache.size).toBe(2);
    expect(cache.has('h1', 'p')).toBe(false);
    expect(cache.has('h2', 'p')).toBe(true);
    expect(cache.has('h3', 'p')).toBe(true);
  });

  it('does nothing with a TTL of 0', () => {
    const cache = new VerifiedCredentialCache(0);
    cache.remember('h', 'p');
    expect(cache.has('h', 'p')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('does not keep the password or the hash in its keys', () => {
    const cache = new VerifiedCredentialCache(60_000);
    cache.remember('$argon2id$stored', 'hunter2-password');
    const keys = [...(cache as unknown as { entries: Map<string, number> }).entries.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('hunter2');
    expect(keys[0]).not.toContain('argon2id');
  });
});
