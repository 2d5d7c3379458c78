#!/usr/bin/env node
// Bundles apps/server (server and CLI entry points) into dist/apps/server with esbuild.
// npm packages stay external (node_modules ships beside it); the libs and their tsconfig path
// aliases are bundled in. Decorators compile as TypeScript experimental decorators; the app's
// DI uses explicit @Inject tokens, so no decorator metadata is needed.
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
await build({
  absWorkingDir: root,
  entryPoints: { main: 'apps/server/src/main.ts', cli: 'apps/server/src/cli/main.ts' },
  outdir: 'dist/apps/server',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  tsconfig: 'tsconfig.json',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log('built dist/apps/server/main.js and cli.js');
