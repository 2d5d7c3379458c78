import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';
import { defaultMigrationsDir, runMigrations } from '../migrate';

// mailbox_keyword (IMAP FLAGS, RFC 3501 7.2.6) is kept by triggers on message (migration
// 20261201232620_mailbox_keyword): these pin that every writer feeds it, and the backfill.
const MIGRATION = '20261201232620_mailbox_keyword';

async function keywordRows(url: string, mailboxId?: number): Promise<[number, string, string][]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ mailbox_id: number; keyword: string; modseq: string }>(
      `SELECT mailbox_id, keyword, modseq::text AS modseq FROM mailbox_keyword WHERE $1::int IS NULL OR mailbox_id = $1 ORDER BY mailbox_id, modseq, keyword`,
      [mailboxId ?? null],
    );
    return rows.map((r) => [r.mailbox_id, r.keyword, r.modseq]);
  } finally {
    await c.end();
  }
}

let db: TestDatabase;
let accountId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
  accountId = (await db.store.accounts.create({ address: 'kw@example.test', passwordHash: 'x' })).id;
});
afterAll(() => db.drop());

describe('mailbox_keyword', () => {
  it('append, STORE (add and set), COPY and MOVE add the keywords with the MODSEQ of first use; removal keeps them; deleting the mailbox drops them', async () => {
    const box = await db.store.mailboxes.create(accountId, 'Src');
    const first = await db.store.messages.append(box.id, [
      { raw: sampleMessage(1), flags: ['\\Seen', '$Forwarded', 'NonJunk'] },
      { raw: sampleMessage(2), flags: ['NonJunk'] },
      { raw: sampleMessage(3) },
    ]);
    const m1 = String(first[0]!.modseq);
    expect(await keywordRows(db.url, box.id)).toEqual([
      [box.id, '$Forwarded', m1],
      [box.id, 'NonJunk', m1],
    ]);
    const added = await db.store.messages.updateFlags(box.id, [3], 'add', ['$label1', 'NonJunk']);
    const m2 = String(added.changed[0]!.modseq);
    const replaced = await db.store.messages.updateFlags(box.id, [2], 'set', ['\\Flagged', 'Replaced']);
    const m3 = String(replaced.changed[0]!.modseq);
    // A flag change that adds no keyword, and a removal: nothing added, nothing taken away.
    await db.store.messages.updateFlags(box.id, [1, 2, 3], 'add', ['\\Answered']);
    await db.store.messages.updateFlags(box.id, [1, 2, 3], 'remove', ['$Forwarded', 'NonJunk', '$label1', 'Replaced']);
    expect(await keywordRows(db.url, box.id)).toEqual([
      [box.id, '$Forwarded', m1],
      [box.id, 'NonJunk', m1],
      [box.id, '$label1', m2],
      [box.id, 'Replaced', m3],
    ]);

    await db.store.messages.updateFlags(box.id, [1], 'add', ['Copied']);
    await db.store.messages.updateFlags(box.id, [3], 'add', ['Moved']);
    const dst = await db.store.mailboxes.create(accountId, 'Dst');
    await db.store.messages.copy(box.id, [1], dst.id, false);
    await db.store.messages.copy(box.id, [3], dst.id, true);
    expect((await keywordRows(db.url, dst.id)).map((r) => r[1]).sort()).toEqual(['Copied', 'Moved']);

    await db.store.mailboxes.delete(dst.id);
    expect(await keywordRows(db.url, dst.id)).toEqual([]);
  });
});

describe('migration backfill', () => {
  let empty: { url: string; drop(): Promise<void> };
  let before: string;
  afterAll(async () => {
    await empty?.drop();
    if (before) fs.rmSync(before, { recursive: true, force: true });
  });

  it('fills mailbox_keyword from the messages already stored, each keyword with its lowest MODSEQ', async () => {
    empty = await createEmptyDatabase();
    before = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-before-keywords-'));
    for (const name of fs.readdirSync(defaultMigrationsDir())) {
      if (name >= MIGRATION || !fs.existsSync(path.join(defaultMigrationsDir(), name, 'migration.sql'))) continue;
      fs.cpSync(path.join(defaultMigrationsDir(), name), path.join(before, name), { recursive: true });
    }
    await runMigrations(empty.url, before);
    const c = new pg.Client({ connectionString: empty.url });
    await c.connect();
    try {
      await c.query(`INSERT INTO domain (name) VALUES ('example.test')`);
      await c.query(`INSERT INTO account (domain_id, address, address_key, password_hash) SELECT id, 'old@example.test', 'old@example.test', 'x' FROM domain`);
      const { rows } = await c.query<{ id: number }>(`INSERT INTO mailbox (account_id, name, uid_validity) SELECT id, unnest(ARRAY['INBOX', 'Other']), 1 FROM account RETURNING id`);
      const [inbox, other] = rows.map((r) => r.id) as [number, number];
      await c.query(`INSERT INTO blob (id, size, data) VALUES ('b', 1, 'x')`);
      const insert = (mailbox: number, uid: number, modseq: number, keywords: string[]) =>
        c.query(
          `INSERT INTO message (mailbox_id, uid, modseq, email_id, thread_id, keywords, internal_date, size, blob_id, headers, envelope, body_structure)
           VALUES ($1, $2::int, $3, $2::bigint, $2::bigint, $4, now(), 1, 'b', '{}', '{}', '{}')`,
          [mailbox, uid, modseq, keywords],
        );
      await insert(inbox, 1, 7, ['Late', 'Shared']);
      await insert(inbox, 2, 3, ['Shared']);
      await insert(inbox, 3, 9, []);
      await insert(other, 1, 5, ['Shared']);
      expect((await runMigrations(empty.url)).applied).toContain(MIGRATION);
      expect(await keywordRows(empty.url)).toEqual([
        [inbox, 'Shared', '3'],
        [inbox, 'Late', '7'],
        [other, 'Shared', '5'],
      ]);
    } finally {
      await c.end();
    }
  });
});
