#!/usr/bin/env node
// The `mailstead` operator command: runs apps/server/src/cli with the repository's tsconfig paths.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(import.meta.dirname, '..');
register({ tsconfig: path.join(root, 'tsconfig.json') });
await import(pathToFileURL(path.join(root, 'apps/server/src/cli/main.ts')).href);
