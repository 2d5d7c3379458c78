// Prisma's schema engine compiled to WebAssembly. The CLI's native engine cannot be downloaded
// on offline machines; this one ships in an npm package. Used by scripts/migration-create.ts to
// write migrations and by the schema-vs-migrations test. Development tooling only.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface SchemaEngineHandle {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
}

type DiffTarget = string | { tag: 'empty' };

// The global exists in Node; the ES lib typings this project compiles against do not declare it.
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Buffer, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }> };
};

export async function loadSchemaEngine(datamodel: string, connectionString: string): Promise<SchemaEngineHandle> {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const bg = (await import(path.join(dir, 'schema_engine_bg.js'))) as {
    __wbg_set_wasm(exports: Record<string, unknown>): void;
    SchemaEngine: { new: (options: unknown, log: () => void, adapter: unknown) => Promise<SchemaEngineHandle> };
  };
  const { instance } = await wasm.instantiate(fs.readFileSync(path.join(dir, 'schema_engine_bg.wasm')), {
    './schema_engine_bg.js': bg,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports['__wbindgen_start'] as (() => void) | undefined)?.();
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  // The engine connects at start (any reachable Postgres will do for a schema-to-schema diff).
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  return bg.SchemaEngine.new({ datamodels: [['schema.prisma', datamodel]] }, () => undefined, adapter);
}

/** SQL that turns schema `from` into schema `to` (datamodel text, or { tag: 'empty' }). */
export async function diffSql(engine: SchemaEngineHandle, from: DiffTarget, to: DiffTarget): Promise<string> {
  const target = (t: DiffTarget) => (typeof t === 'string' ? { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: t }] } : t);
  const result = await engine.diff({
    from: target(from),
    to: target(to),
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  return result.stdout ?? '';
}
