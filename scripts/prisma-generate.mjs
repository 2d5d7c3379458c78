#!/usr/bin/env node
// Generates the Prisma client into libs/store/src/generated (run by npm's postinstall).
// Prisma's CLI wants a schema-engine binary it cannot download on offline machines; `generate`
// does not use it, so point the variable at any existing file.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
execFileSync(process.execPath, [path.join(root, 'node_modules/prisma/build/index.js'), 'generate'], { cwd: root, env, stdio: 'inherit' });
