import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Store, StoreProblem } from '@mailstead/store';
import { invalid } from './service-error';

/**
 * The backup format, version 1 (docs/architecture.md "Backup"):
 *   DIR/manifest.json        written last: a backup without it is incomplete
 *   DIR/tables/<table>.ndjson one JSON object per row, Postgres' row_to_json (blob without its bytes)
 *   DIR/blobs/<aa>/<sha256>  each blob's bytes, named by their sha256
 */
export const BACKUP_FORMAT = 'mailstead-backup';
export const BACKUP_VERSION = 1;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  /** the last migration of the store it was taken from */
  schema: string;
  tables: Record<string, number>;
  blobs: { count: number; bytes: number };
}

export interface BackupProgress {
  table?: string;
  rows: number;
  blobs: number;
}

const blobPath = (dir: string, id: string) => path.join(dir, 'blobs', id.slice(0, 2), id);

/** `mailstead backup`, `restore`, `verify`: a consistent online copy of everything, and checks of a store or a copy. */
export class BackupService {
  constructor(private readonly store: Store) {}

  async backup(dir: string, onProgress?: (p: BackupProgress) => void): Promise<BackupManifest> {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw invalid(`${dir} is not empty: give a new or empty directory`);
    fs.mkdirSync(path.join(dir, 'tables'), { recursive: true });
    const progress: BackupProgress = { rows: 0, blobs: 0 };
    return this.store.backup.snapshot(async (snapshot) => {
      const tables: Record<string, number> = {};
      for (const table of snapshot.tables) {
        progress.table = table;
        const out = fs.openSync(path.join(dir, 'tables', `${table}.ndjson`), 'w');
        try {
          tables[table] = await snapshot.rows(table, async (lines) => {
            fs.writeSync(out, `${lines.join('\n')}\n`);
            progress.rows += lines.length;
            onProgress?.({ ...progress });
          });
        } finally {
          fs.closeSync(out);
        }
      }
      let bytes = 0;
      const count = await snapshot.blobs(async (id, data) => {
        const file = blobPath(dir, id);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, data);
        bytes += data.length;
        progress.blobs++;
        if (progress.blobs % 100 === 0) onProgress?.({ ...progress });
      });
      const manifest: BackupManifest = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), schema: snapshot.schemaVersion, tables, blobs: { count, bytes } };
      fs.writeFileSync(path.join(dir, 'manifest.json.tmp'), `${JSON.stringify(manifest, null, 2)}\n`);
      fs.renameSync(path.join(dir, 'manifest.json.tmp'), path.join(dir, 'manifest.json'));
      return manifest;
    });
  }

  readManifest(dir: string): BackupManifest {
    const file = path.join(dir, 'manifest.json');
    if (!fs.existsSync(file)) throw invalid(`${dir} has no manifest.json: it is not a backup, or the backup did not finish`);
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as BackupManifest;
    if (manifest.format !== BACKUP_FORMAT) throw invalid(`${dir} is not a Mailstead backup`);
    if (manifest.version !== BACKUP_VERSION) throw invalid(`${dir} is a version ${manifest.version} backup; this Mailstead reads version ${BACKUP_VERSION}`);
    return manifest;
  }

  async restore(dir: string): Promise<Record<string, number>> {
    const manifest = this.readManifest(dir);
    try {
      return await this.store.backup.restore({
        schemaVersion: manifest.schema,
        tables: Object.keys(manifest.tables),
        counts: manifest.tables,
        rows: (table) => ndjsonBatches(path.join(dir, 'tables', `${table}.ndjson`), 500),
        blob: async (id) => {
          const file = blobPath(dir, id);
          if (!fs.existsSync(file)) throw new Error(`blob ${id} is missing from the backup`);
          return fs.promises.readFile(file);
        },
      });
    } catch (error) {
      if (error instanceof Error && !('code' in error)) throw invalid(error.message);
      throw error;
    }
  }

  /** A live store's consistency problems (none: []). */
  verifyStore(): Promise<StoreProblem[]> {
    return this.store.backup.verify();
  }

  /** A backup's problems: missing or altered blobs, table files that disagree with the manifest. */
  async verifyBackup(dir: string): Promise<StoreProblem[]> {
    const manifest = this.readManifest(dir);
    const problems: StoreProblem[] = [];
    for (const [table, expected] of Object.entries(manifest.tables)) {
      const file = path.join(dir, 'tables', `${table}.ndjson`);
      let rows = 0;
      if (fs.existsSync(file)) for await (const batch of ndjsonBatches(file, 1000)) rows += batch.length;
      if (rows !== expected) problems.push({ check: 'table rows', detail: `${table}: the manifest lists ${expected} rows, the file has ${rows}` });
    }
    const blobRows = path.join(dir, 'tables', 'blob.ndjson');
    if (fs.existsSync(blobRows)) {
      for await (const batch of ndjsonBatches(blobRows, 200)) {
        for (const line of batch) {
          const { id, size } = JSON.parse(line) as { id: string; size: number };
          const file = blobPath(dir, id);
          if (!fs.existsSync(file)) {
            problems.push({ check: 'blob present', detail: `blob ${id} is missing` });
            continue;
          }
          const data = await fs.promises.readFile(file);
          if (data.length !== size) problems.push({ check: 'blob size', detail: `blob ${id}: size says ${size}, the file has ${data.length}` });
          const sha = createHash('sha256').update(data).digest('hex');
          if (sha !== id) problems.push({ check: 'blob content', detail: `blob ${id}: sha256 of the file is ${sha}` });
        }
      }
    }
    return problems;
  }
}

async function* ndjsonBatches(file: string, size: number): AsyncGenerator<string[]> {
  if (!fs.existsSync(file)) return;
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let batch: string[] = [];
  for await (const line of lines) {
    if (!line) continue;
    batch.push(line);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
