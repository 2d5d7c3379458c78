// Run with: npm run migration:create -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes the schema
// as last committed (git HEAD, or --from FILE; empty if there is none) to prisma/schema.prisma.
// Uses Prisma's schema engine compiled to WebAssembly; the schema-vs-migrations test in
// libs/store then proves the migrations build exactly the schema.
//   npm run migration:create -- <snake_case_name> [--from old-schema.prisma]
// The engine insists on connecting to a Postgres at start: set DATABASE_URL to any reachable one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { diffSql, loadSchemaEngine } from '../libs/store/src/schema-engine';

const [name, flag, fromFile] = process.argv.slice(2);
if (!name || !/^[a-z0-9_]+$/.test(name) || (flag && flag !== '--from')) {
  console.error('usage: npm run migration:create -- <snake_case_name> [--from old-schema.prisma]');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..');
const schema = fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
let previous: string | undefined;
if (fromFile) previous = fs.readFileSync(fromFile, 'utf8');
else {
  try {
    previous = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    previous = undefined;
  }
}
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('set DATABASE_URL to any reachable Postgres (the engine connects at start)');
  process.exit(2);
}
const engine = await loadSchemaEngine(schema, url);
const sql = await diffSql(engine, previous?.trim() ? previous : { tag: 'empty' }, schema);
if (!sql.trim() || sql.includes('This is an empty migration')) {
  console.log('no schema change: nothing to write');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = path.join(root, 'prisma/migrations', `${stamp}_${name}`);
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
