// Loads Prisma's schema engine compiled to WebAssembly (the CLI's native engine cannot be
// downloaded on these machines) and diffs two schema sources into migration SQL.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export async function loadSchemaEngine(datamodel, connectionString = 'postgresql://127.0.0.1:1/unused') {
  const dir = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/schema_engine_bg\.js$/, '');
  const bg = await import(`${dir}schema_engine_bg.js`);
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(`${dir}schema_engine_bg.wasm`), {
    './schema_engine_bg.js': bg,
  });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  return bg.SchemaEngine.new({ datamodels: [['schema.prisma', datamodel]] }, () => {}, adapter);
}

const noFilters = { externalTables: [], externalEnums: [] };

/** SQL that turns `from` into `to`; each is { tag: 'empty' } or a datamodel string or a list of migration dirs. */
export async function diffSql(engine, from, to) {
  const target = (t) =>
    typeof t === 'string' ? { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: t }] } : t;
  const result = await engine.diff({ from: target(from), to: target(to), script: true, exitCode: null, filters: noFilters });
  return result.stdout ?? '';
}
