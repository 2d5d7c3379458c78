import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@mailstead/testing';
import { defaultMigrationsDir } from '../migrate';

/** UIDVALIDITY strictly increasing per account, forever, within RFC 3501's nz-number range. */
let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('UIDVALIDITY (RFC 3501 2.3.1.1)', () => {
  it('a name deleted and created again, many times within one second, never gets a value it had', async () => {
    const account = await db.store.accounts.create({ address: 'again@example.test', passwordHash: 'x' });
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      const box = await db.store.mailboxes.create(account.id, 'Again');
      seen.push(box.uidValidity);
      await db.store.mailboxes.delete(box.id);
    }
    expect(seen.every((v, i) => i === 0 || v > seen[i - 1]!)).toBe(true);
    // Every mailbox of the account draws from the same mark, INBOX and the special folders included.
    const others = (await db.store.mailboxes.list(account.id)).map((b) => b.uidValidity);
    expect(Math.max(...others)).toBeLessThan(seen[0]!);
  });

  it('concurrent CREATEs in one account get distinct values', async () => {
    const account = await db.store.accounts.create({ address: 'many@example.test', passwordHash: 'x' });
    const boxes = await Promise.all(Array.from({ length: 12 }, (_, i) => db.store.mailboxes.create(account.id, `Box${i}`)));
    expect(new Set(boxes.map((b) => b.uidValidity)).size).toBe(12);
  });

  it('goes past 2^31-1 up to 4,294,967,295 (nz-number, RFC 3501 9), and refuses to wrap', async () => {
    const account = await db.store.accounts.create({ address: 'late@example.test', passwordHash: 'x' });
    await client.query('UPDATE account SET uid_validity_high = 2147483647 WHERE id = $1', [account.id]);
    const past = await db.store.mailboxes.create(account.id, 'Year2038');
    expect(past.uidValidity).toBe(2147483648);
    expect((await db.store.mailboxes.findByName(account.id, 'Year2038'))?.uidValidity).toBe(2147483648);
    expect((await db.store.imap.mailboxByName(account.id, 'Year2038'))?.uidValidity).toBe(2147483648);
    await client.query('UPDATE account SET uid_validity_high = 4294967294 WHERE id = $1', [account.id]);
    expect((await db.store.mailboxes.create(account.id, 'Last')).uidValidity).toBe(4294967295);
    await expect(db.store.mailboxes.create(account.id, 'Beyond')).rejects.toMatchObject({ code: 'invalid' });
    expect(await db.store.mailboxes.findByName(account.id, 'Beyond')).toBeNull();
  });

  it('the migration starts each account above the largest value its mailboxes have', async () => {
    const account = await db.store.accounts.create({ address: 'old@example.test', passwordHash: 'x' });
    await client.query('UPDATE mailbox SET uid_validity = 1900000000 WHERE account_id = $1 AND name = $2', [account.id, 'Trash']);
    await client.query('UPDATE account SET uid_validity_high = 0 WHERE id = $1', [account.id]);
    const sql = fs.readFileSync(path.join(defaultMigrationsDir(), '20261204203000_uid_validity_high_water', 'migration.sql'), 'utf8');
    // Only the back-fill: the columns exist already in this migrated database.
    await client.query(sql.slice(sql.indexOf('UPDATE "account"')));
    const { rows } = await client.query<{ high: string }>('SELECT uid_validity_high::text AS high FROM account WHERE id = $1', [account.id]);
    expect(rows[0]!.high).toBe('1900000000');
    expect((await db.store.mailboxes.create(account.id, 'After')).uidValidity).toBeGreaterThan(1900000000);
  });
});
