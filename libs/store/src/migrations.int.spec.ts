import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '@mailstead/testing';
import { defaultMigrationsDir, runMigrations } from './migrate';
import { diffSql, loadSchemaEngine } from './schema-engine';

/** Everything about a database's shape that a migration can change, as comparable text. */
async function catalog(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = async (sql: string) => (await c.query(sql)).rows.map((r) => JSON.stringify(r));
    return [
      ...(await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision, datetime_precision
                   FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1, 2`)),
      ...(await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1, 2`)),
      ...(await q(`SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
                   WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1, 2`)),
      ...(await q(`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
                   GROUP BY t.typname ORDER BY 1`)),
    ];
  } finally {
    await c.end();
  }
}

describe('migrations', () => {
  const dbs: { drop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.drop();
  });

  let migrated: { url: string };
  beforeAll(async () => {
    const db = await createEmptyDatabase();
    dbs.push(db);
    migrated = db;
  });

  it('applies every migration once and records it as prisma migrate does', async () => {
    const names = fs.readdirSync(defaultMigrationsDir()).filter((d) => fs.existsSync(path.join(defaultMigrationsDir(), d, 'migration.sql')));
    const first = await runMigrations(migrated.url);
    expect(first.applied).toEqual(names.sort());
    const second = await runMigrations(migrated.url);
    expect(second.applied).toEqual([]);
    const c = new pg.Client({ connectionString: migrated.url });
    await c.connect();
    const rows = await c.query('SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name');
    await c.end();
    expect(rows.rows.map((r) => r.migration_name)).toEqual(names.sort());
    expect(rows.rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it('runs safely from several processes at once (advisory lock)', async () => {
    const db = await createEmptyDatabase();
    dbs.push(db);
    const results = await Promise.all([runMigrations(db.url), runMigrations(db.url), runMigrations(db.url)]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, results.flatMap((r) => r.applied).length]);
  });

  it('builds exactly what prisma/schema.prisma describes (schema and migrations agree)', async () => {
    const fromSchema = await createEmptyDatabase();
    dbs.push(fromSchema);
    const schema = fs.readFileSync(path.join(defaultMigrationsDir(), '..', 'schema.prisma'), 'utf8');
    const engine = await loadSchemaEngine(schema, fromSchema.url);
    const sql = await diffSql(engine, { tag: 'empty' }, schema);
    expect(sql).toContain('CREATE TABLE "message"');
    const c = new pg.Client({ connectionString: fromSchema.url });
    await c.connect();
    await c.query(sql);
    await c.end();
    const [expected, actual] = await Promise.all([catalog(fromSchema.url), catalog(migrated.url)]);
    expect(actual.length).toBeGreaterThan(100);
    expect(actual).toEqual(expected);
  });
});
