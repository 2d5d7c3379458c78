import type pg from 'pg';

/** What a consistent read of the whole store gives a backup, inside one snapshot. */
export interface StoreSnapshot {
  /** the last migration applied: the backup's schema version */
  schemaVersion: string;
  /** every table but the migration record, parents before children (foreign keys) */
  tables: string[];
  /** the rows of a table as JSON objects (Postgres row_to_json text, one per row), in batches; the blob table without its bytes */
  rows(table: string, onBatch: (lines: string[]) => Promise<void>): Promise<number>;
  /** every blob's bytes, a few at a time */
  blobs(onBlob: (id: string, data: Buffer) => Promise<void>): Promise<number>;
}

/** What a restore reads back, in the order the backup lists. */
export interface RestoreSource {
  schemaVersion: string;
  tables: string[];
  rows(table: string): AsyncIterable<string[]>;
  blob(id: string): Promise<Buffer>;
  /** rows each table must have after the restore (the backup's manifest) */
  counts: Record<string, number>;
}

/** A finding of `verify`: what is wrong and where. */
export interface StoreProblem {
  check: string;
  detail: string;
}

const ROW_BATCH = 500;
const BLOB_BATCH = 20;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Whole-store backup, restore and verification (the CLI's `backup`, `restore`, `verify`). A
 * backup reads every table in one REPEATABLE READ READ ONLY transaction, so it sees one
 * instant while the server goes on writing: a message, its blob, its mailbox's UIDNEXT and
 * counters and the account's usage all agree. Tables travel as Postgres' own JSON of each
 * row (row_to_json / json_populate_recordset), so bigints, bytea, arrays and tsvectors come
 * back exactly, and the format follows the schema version it names.
 */
export class BackupRepository {
  constructor(private readonly pool: pg.Pool) {}

  async snapshot<T>(read: (snapshot: StoreSnapshot) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const schemaVersion = await lastMigration(client);
      const tables = await tablesInOrder(client);
      let cursors = 0;
      const viaCursor = async (sql: string, size: number, onRows: (rows: Record<string, unknown>[]) => Promise<void>): Promise<number> => {
        const cursor = `backup_${++cursors}`;
        await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`);
        let total = 0;
        for (;;) {
          const { rows } = await client.query<Record<string, unknown>>(`FETCH ${size} FROM ${cursor}`);
          if (rows.length === 0) break;
          total += rows.length;
          await onRows(rows);
        }
        await client.query(`CLOSE ${cursor}`);
        return total;
      };
      const result = await read({
        schemaVersion,
        tables,
        rows: (table, onBatch) => {
          if (!tables.includes(table)) throw new Error(`no table ${table}`);
          const source = table === 'blob' ? '(SELECT id, size, created_at FROM blob)' : quote(table);
          return viaCursor(`SELECT row_to_json(t)::text AS line FROM ${source} t`, ROW_BATCH, (rows) => onBatch(rows.map((r) => r.line as string)));
        },
        blobs: (onBlob) =>
          viaCursor('SELECT id, data FROM blob ORDER BY id', BLOB_BATCH, async (rows) => {
            for (const r of rows) await onBlob(r.id as string, r.data as Buffer);
          }),
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Loads a backup into an empty database at the same schema version, in one transaction (all
   * or nothing), keeping every id, UID, UIDVALIDITY and MODSEQ; sequences continue after the
   * restored ids. Refuses a database that holds any row.
   */
  async restore(source: RestoreSource): Promise<Record<string, number>> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const version = await lastMigration(client);
      if (version !== source.schemaVersion) {
        throw new Error(`the backup is of schema ${source.schemaVersion}, this database is at ${version}: restore with the Mailstead version that made the backup, then upgrade`);
      }
      const tables = await tablesInOrder(client);
      for (const table of tables) {
        const { rows } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quote(table)}) AS any`);
        if (rows[0]?.any) throw new Error(`the database is not empty (table ${table} has rows): restore into a new data directory or an empty database`);
      }
      const unknown = source.tables.filter((t) => !tables.includes(t));
      if (unknown.length) throw new Error(`the backup has tables this schema does not: ${unknown.join(', ')}`);
      const restored: Record<string, number> = {};
      for (const table of tables.filter((t) => source.tables.includes(t))) {
        for await (const lines of source.rows(table)) {
          if (table === 'blob') {
            for (const line of lines) {
              const row = JSON.parse(line) as { id: string; size: number; created_at: string };
              await client.query('INSERT INTO blob (id, size, data, created_at) VALUES ($1, $2, $3, $4)', [row.id, row.size, await source.blob(row.id), row.created_at]);
            }
          } else {
            // Rows a trigger made already (mailbox_keyword from message inserts) are the backup's own: ON CONFLICT keeps one.
            await client.query(`INSERT INTO ${quote(table)} SELECT * FROM json_populate_recordset(NULL::${quote(table)}, $1::json) ON CONFLICT DO NOTHING`, [`[${lines.join(',')}]`]);
          }
        }
        const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${quote(table)}`);
        restored[table] = Number(rows[0]!.n);
        if (source.counts[table] !== undefined && restored[table] !== source.counts[table]) {
          throw new Error(`table ${table}: the backup lists ${source.counts[table]} rows, ${restored[table]} were restored`);
        }
      }
      const { rows: serials } = await client.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`,
      );
      for (const s of serials) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max(${quote(s.column_name)}) FROM ${quote(s.table_name)}), 1), (SELECT count(*) > 0 FROM ${quote(s.table_name)}))`,
          [quote(s.table_name), s.column_name],
        );
      }
      await client.query('COMMIT');
      return restored;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Checks a live store: blobs match their sha256 and size, messages their blobs, mailbox and account counters their messages. */
  async verify(): Promise<StoreProblem[]> {
    const checks: [string, string][] = [
      ['blob content', `SELECT 'blob ' || id || ': sha256 of the bytes is ' || encode(sha256(data), 'hex') AS detail FROM blob WHERE encode(sha256(data), 'hex') <> id`],
      ['blob size', `SELECT 'blob ' || id || ': size says ' || size || ', the bytes are ' || octet_length(data) AS detail FROM blob WHERE octet_length(data) <> size`],
      ['message size', `SELECT 'message ' || m.id || ' (mailbox ' || m.mailbox_id || ', uid ' || m.uid || '): size ' || m.size || ', its blob has ' || b.size AS detail FROM message m JOIN blob b ON b.id = m.blob_id WHERE m.size <> b.size`],
      [
        'mailbox counters',
        `SELECT 'mailbox ' || b.id || ' (' || b.name || '): counts ' || b.message_count || '/' || b.unseen_count || '/' || b.total_size || ', messages give ' || coalesce(x.n, 0) || '/' || coalesce(x.unseen, 0) || '/' || coalesce(x.bytes, 0) AS detail
         FROM mailbox b LEFT JOIN (SELECT mailbox_id, count(*) AS n, count(*) FILTER (WHERE NOT seen) AS unseen, sum(size) AS bytes FROM message GROUP BY mailbox_id) x ON x.mailbox_id = b.id
         WHERE b.message_count <> coalesce(x.n, 0) OR b.unseen_count <> coalesce(x.unseen, 0) OR b.total_size <> coalesce(x.bytes, 0)`,
      ],
      [
        'uid and modseq',
        `SELECT 'mailbox ' || b.id || ' (' || b.name || '): UIDNEXT ' || b.uid_next || ' / HIGHESTMODSEQ ' || b.highest_modseq || ' but a message has uid ' || max(m.uid) || ' / modseq ' || max(m.modseq) AS detail
         FROM mailbox b JOIN message m ON m.mailbox_id = b.id GROUP BY b.id HAVING max(m.uid) >= b.uid_next OR max(m.modseq) > b.highest_modseq`,
      ],
      [
        'account usage',
        `SELECT 'account ' || a.address || ': used_bytes ' || a.used_bytes || ', its messages take ' || coalesce(x.bytes, 0) AS detail
         FROM account a LEFT JOIN (SELECT b.account_id, sum(m.size) AS bytes FROM message m JOIN mailbox b ON b.id = m.mailbox_id GROUP BY b.account_id) x ON x.account_id = a.id
         WHERE a.used_bytes <> coalesce(x.bytes, 0)`,
      ],
    ];
    const problems: StoreProblem[] = [];
    for (const [check, sql] of checks) {
      const { rows } = await this.pool.query<{ detail: string }>(sql);
      for (const r of rows) problems.push({ check, detail: r.detail });
    }
    return problems;
  }
}

async function lastMigration(client: pg.PoolClient): Promise<string> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name DESC LIMIT 1`,
  );
  return rows[0]?.name ?? '';
}

/** Tables of the schema, each after every table it references (the migration record left out). */
async function tablesInOrder(client: pg.PoolClient): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY tablename`,
  );
  const { rows: refs } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
     WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace AND c.conrelid <> c.confrelid`,
  );
  const strip = (n: string) => n.replace(/^"|"$/g, '');
  const parents = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set()]));
  for (const r of refs) parents.get(strip(r.child))?.add(strip(r.parent));
  const ordered: string[] = [];
  const placed = new Set<string>();
  const visit = (name: string, path: Set<string>) => {
    if (placed.has(name) || path.has(name)) return;
    path.add(name);
    for (const parent of parents.get(name) ?? []) visit(parent, path);
    placed.add(name);
    ordered.push(name);
  };
  for (const t of tables) visit(t.name, new Set());
  return ordered;
}
