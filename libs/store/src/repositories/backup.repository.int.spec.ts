import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';

let db: TestDatabase;
let sql: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  await db.store.domains.create('verify.test');
  const account = await db.store.accounts.create({ address: 'vic@verify.test', passwordHash: 'x' });
  const inbox = (await db.store.mailboxes.findByName(account.id, 'INBOX'))!;
  await db.store.messages.append(inbox.id, [1, 2, 3].map((n) => ({ raw: sampleMessage(n, { to: 'vic@verify.test' }) })));
});
afterAll(async () => {
  await sql.end();
  await db.drop();
});

describe('BackupRepository.verify', () => {
  it('finds nothing wrong in a store the repositories wrote', async () => {
    expect(await db.store.backup.verify()).toEqual([]);
  });

  it('finds altered blob bytes, a wrong blob size, a message size and counters that disagree', async () => {
    const { rows } = await sql.query<{ id: string }>('SELECT id FROM blob ORDER BY id LIMIT 2');
    await sql.query(`UPDATE blob SET data = data || '\\x00'::bytea WHERE id = $1`, [rows[0]!.id]);
    await sql.query('UPDATE blob SET size = size + 1 WHERE id = $1', [rows[1]!.id]);
    await sql.query(`UPDATE mailbox SET unseen_count = unseen_count + 5 WHERE name = 'INBOX'`);
    const found = await db.store.backup.verify();
    expect(found.map((p) => p.check).sort()).toEqual(['blob content', 'blob size', 'blob size', 'mailbox counters', 'message size']);
    expect(found.find((p) => p.check === 'mailbox counters')?.detail).toMatch(/^mailbox \d+ \(INBOX\): counts 3\/8\/\d+, messages give 3\/3\/\d+$/);
  });

  it('refuses to restore into a database that has rows', async () => {
    const version = (await sql.query<{ name: string }>('SELECT max(migration_name) AS name FROM "_prisma_migrations"')).rows[0]!.name;
    await expect(db.store.backup.restore({ schemaVersion: version, tables: [], counts: {}, rows: async function* () {}, blob: async () => Buffer.alloc(0) })).rejects.toThrow(/not empty/);
    await expect(db.store.backup.restore({ schemaVersion: 'older', tables: [], counts: {}, rows: async function* () {}, blob: async () => Buffer.alloc(0) })).rejects.toThrow(/schema older/);
  });
});
