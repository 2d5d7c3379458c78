import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, redisUrl, type TestDatabase } from '@mailstead/testing';
import { createAppPassword } from './app-passwords';
import { Authenticator } from './authenticator';
import { LoginThrottle } from './login-throttle';
import { hashPassword } from './password';
import { VerifiedCredentialCache } from './verified-credential-cache';

let db: TestDatabase;
let redis: Redis;
let auth: Authenticator;
let appPassword: string;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = new Redis(redisUrl());
  // A prefix per test file keeps parallel files from sharing counters in the one Redis.
  const throttle = new LoginThrottle(redis, { maxFailuresPerIp: 6, maxFailuresPerAccount: 3, windowSeconds: 60 }, `test:${db.name}`);
  auth = new Authenticator(db.store, throttle);
  await db.store.domains.create('example.test');
  const alice = await db.store.accounts.create({ address: 'alice@example.test', passwordHash: await hashPassword('alice-secret') });
  await db.store.accounts.create({ address: 'off@example.test', passwordHash: await hashPassword('off-secret') });
  await db.store.accounts.setEnabled('off@example.test', false);
  appPassword = (await createAppPassword(db.store, alice.id, 'phone')).password;
});
afterAll(async () => {
  redis.disconnect();
  await db.drop();
});

describe('Authenticator', () => {
  it('accepts the account password for every protocol, case-insensitively on the address', async () => {
    const r = await auth.authenticate({ username: 'Alice@Example.test', password: 'alice-secret', ip: '10.0.0.1', protocol: 'web' });
    expect(r).toMatchObject({ ok: true, via: 'password', account: { address: 'alice@example.test' } });
  });

  it('accepts app passwords for mail protocols (dashes or spaces optional) but not for the web', async () => {
    expect(await auth.authenticate({ username: 'alice@example.test', password: appPassword, ip: '10.0.0.2', protocol: 'imap' })).toMatchObject({ ok: true, via: 'app-password' });
    expect(await auth.authenticate({ username: 'alice@example.test', password: appPassword.replace(/-/g, ' '), ip: '10.0.0.2', protocol: 'smtp' })).toMatchObject({ ok: true });
    expect(await auth.authenticate({ username: 'alice@example.test', password: appPassword, ip: '10.0.0.2', protocol: 'web' })).toEqual({ ok: false, reason: 'invalid' });
    const [record] = await db.store.appPasswords.listForAccount((await db.store.accounts.findByAddress('alice@example.test'))!.id);
    expect(record!.lastUsedAt).toBeInstanceOf(Date);
  });

  it('refuses unknown users, wrong passwords and disabled accounts', async () => {
    expect(await auth.authenticate({ username: 'nobody@example.test', password: 'x', ip: '10.0.0.3', protocol: 'pop3' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await auth.authenticate({ username: 'alice@example.test', password: 'wrong', ip: '10.0.0.3', protocol: 'pop3' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await auth.authenticate({ username: 'off@example.test', password: 'off-secret', ip: '10.0.0.3', protocol: 'imap' })).toEqual({ ok: false, reason: 'disabled' });
  });

  it('throttles an account after repeated failures, even with the right password, from any IP', async () => {
    await db.store.accounts.create({ address: 'target@example.test', passwordHash: await hashPassword('target-secret') });
    for (let i = 0; i < 3; i++) {
      expect((await auth.authenticate({ username: 'target@example.test', password: `guess${i}`, ip: `10.1.0.${i}`, protocol: 'imap' })).ok).toBe(false);
    }
    const r = await auth.authenticate({ username: 'target@example.test', password: 'target-secret', ip: '10.1.0.99', protocol: 'imap' });
    expect(r).toMatchObject({ ok: false, reason: 'throttled' });
    expect((r as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('throttles an IP that sprays many accounts', async () => {
    for (let i = 0; i < 6; i++) await auth.authenticate({ username: `spray${i}@example.test`, password: 'x', ip: '10.2.0.1', protocol: 'smtp' });
    expect(await auth.authenticate({ username: 'alice@example.test', password: 'alice-secret', ip: '10.2.0.1', protocol: 'smtp' })).toMatchObject({ ok: false, reason: 'throttled' });
    expect(await auth.authenticate({ username: 'alice@example.test', password: 'alice-secret', ip: '10.2.0.2', protocol: 'smtp' })).toMatchObject({ ok: true });
  });

  it('forgives an account its failures after a successful login', async () => {
    await db.store.accounts.create({ address: 'forgetful@example.test', passwordHash: await hashPassword('forgetful-secret') });
    for (let i = 0; i < 2; i++) await auth.authenticate({ username: 'forgetful@example.test', password: 'nope', ip: '10.3.0.1', protocol: 'web' });
    expect((await auth.authenticate({ username: 'forgetful@example.test', password: 'forgetful-secret', ip: '10.3.0.1', protocol: 'web' })).ok).toBe(true);
    for (let i = 0; i < 2; i++) await auth.authenticate({ username: 'forgetful@example.test', password: 'nope', ip: '10.3.0.1', protocol: 'web' });
    expect((await auth.authenticate({ username: 'forgetful@example.test', password: 'forgetful-secret', ip: '10.3.0.1', protocol: 'web' })).ok).toBe(true);
  });
});

describe('Authenticator with a verified-credential cache', () => {
  it('skips argon2 for a credential it just verified, yet honours a password change, a revoked app password and a disabled account at once', async () => {
    const throttle = new LoginThrottle(redis, { maxFailuresPerIp: 50, maxFailuresPerAccount: 50, windowSeconds: 60 }, `test:${db.name}:cache`);
    const cache = new (class extends VerifiedCredentialCache {
      hits = 0;
      override has(storedHash: string, password: string): boolean {
        const hit = super.has(storedHash, password);
        if (hit) this.hits += 1;
        return hit;
      }
    })(60_000);
    const cached = new Authenticator(db.store, throttle, cache);
    const bob = await db.store.accounts.create({ address: 'bob@example.test', passwordHash: await hashPassword('bob-first') });
    const login = (password: string, protocol: 'imap' | 'web' = 'imap') => cached.authenticate({ username: 'bob@example.test', password, ip: '10.0.9.1', protocol });

    expect(await login('bob-wrong')).toEqual({ ok: false, reason: 'invalid' });
    expect(cache.size).toBe(0); // failures are never remembered
    expect(await login('bob-first')).toMatchObject({ ok: true, via: 'password' });
    expect(cache.size).toBe(1);
    expect(cache.hits).toBe(0);
    expect(await login('bob-first')).toMatchObject({ ok: true, via: 'password' });
    expect(cache.hits).toBe(1); // answered from the cache, no argon2 verification

    await db.store.accounts.setPassword('bob@example.test', await hashPassword('bob-second'));
    expect(await login('bob-first')).toEqual({ ok: false, reason: 'invalid' });
    expect(await login('bob-second')).toMatchObject({ ok: true });

    const app = await createAppPassword(db.store, bob.id, 'phone');
    expect(await login(app.password)).toMatchObject({ ok: true, via: 'app-password' });
    expect(await login(app.password, 'web')).toEqual({ ok: false, reason: 'invalid' });
    await db.store.appPasswords.remove(bob.id, app.record.id);
    expect(await login(app.password)).toEqual({ ok: false, reason: 'invalid' });

    await db.store.accounts.setEnabled('bob@example.test', false);
    expect(await login('bob-second')).toEqual({ ok: false, reason: 'disabled' });
  });
});
