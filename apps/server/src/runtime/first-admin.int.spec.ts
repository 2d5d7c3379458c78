import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@mailstead/auth';
import { parseConfig } from '@mailstead/config';
import { createTestDatabase, type TestDatabase } from '@mailstead/testing';
import { ensureFirstAdmin } from './first-admin';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const config = (password: string) => parseConfig({ DATABASE_URL: db.url, MAILSTEAD_ADMIN_ADDRESS: 'admin@first.test', MAILSTEAD_ADMIN_PASSWORD: password });

describe('ensureFirstAdmin', () => {
  it('holds MAILSTEAD_ADMIN_PASSWORD to the password policy (libs/contracts) and creates nothing when it fails', async () => {
    await expect(ensureFirstAdmin(db.store, config('🔑'.repeat(7)))).rejects.toThrow('MAILSTEAD_ADMIN_PASSWORD: password must be at least 8 characters');
    await expect(ensureFirstAdmin(db.store, config('line\nbreak password'))).rejects.toThrow(/control characters/);
    expect(await db.store.accounts.count()).toBe(0);
    expect(await db.store.domains.findByName('first.test')).toBeFalsy();
  });

  it('creates the admin with a password that passes', async () => {
    expect(await ensureFirstAdmin(db.store, config('a long admin password'))).toEqual({ address: 'admin@first.test', password: 'a long admin password', generated: false });
    expect(await verifyPassword((await db.store.accounts.findByAddress('admin@first.test'))!.passwordHash, 'a long admin password')).toBe(true);
  });
});
