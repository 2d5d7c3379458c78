import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@mailstead/testing';
import { defaultMigrationsDir } from '../migrate';

/** Mailbox names in Unicode NFC (RFC 9051 5.1): the store normalises, the migration rewrote older rows. */
let db: TestDatabase;
const composed = 'Café/Entwürfe'.normalize('NFC');
const decomposed = composed.normalize('NFD');

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
});
afterAll(() => db.drop());

describe('mailbox names in NFC', () => {
  it('create, find and rename normalise whatever form they are given', async () => {
    const account = await db.store.accounts.create({ address: 'nfc@example.test', passwordHash: 'x' });
    const created = await db.store.mailboxes.create(account.id, decomposed);
    expect(created.name).toBe(composed);
    expect((await db.store.mailboxes.findByName(account.id, composed))?.id).toBe(created.id);
    expect((await db.store.mailboxes.findByName(account.id, decomposed))?.id).toBe(created.id);
    await expect(db.store.mailboxes.create(account.id, composed)).rejects.toMatchObject({ code: 'exists' });
  });

  it('the migration rewrites a decomposed name, and leaves one alone whose NFC form exists', async () => {
    const account = await db.store.accounts.create({ address: 'old@example.test', passwordHash: 'x' });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const lone = 'Größe'.normalize('NFD');
      // As an older version stored them: bytes as the client sent them.
      for (const name of [lone, composed, decomposed]) {
        await client.query('INSERT INTO mailbox (account_id, name, uid_validity) VALUES ($1, $2, 1)', [account.id, name]);
      }
      const sql = fs.readFileSync(path.join(defaultMigrationsDir(), '20261201221500_mailbox_name_nfc', 'migration.sql'), 'utf8');
      await client.query(sql);
      const { rows } = await client.query<{ name: string }>('SELECT name FROM mailbox WHERE account_id = $1 ORDER BY name', [account.id]);
      const names = rows.map((r) => r.name);
      expect(names).toContain(lone.normalize('NFC'));
      expect(names).not.toContain(lone);
      // Both forms of the other stay: merging two folders is not a migration's call.
      expect(names).toContain(composed);
      expect(names).toContain(decomposed);
    } finally {
      await client.end();
    }
  });
});
