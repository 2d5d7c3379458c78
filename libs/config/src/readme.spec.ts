import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from './config.schema';

describe('README configuration table', () => {
  it('documents every variable the configuration reads, with its default', () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
    for (const [name, v] of Object.entries(CONFIG_VARIABLES)) {
      expect(readme, name).toContain(`| \`${name}\` | \`${v.default}\` |`);
    }
  });
});
