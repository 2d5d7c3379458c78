import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const lib = (name: string) => fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url));
const alias = Object.fromEntries(
  ['config', 'store', 'mime', 'auth', 'smtp', 'imap', 'pop3', 'delivery', 'pipeline', 'sieve', 'managesieve', 'spam', 'metrics', 'contracts', 'html-policy', 'testing'].map((name) => [
    `@mailstead/${name}`,
    lib(name),
  ]),
);

// Two tiers (STYLE.md): `*.spec.ts` are socket-free unit tests; `*.int.spec.ts` run against
// the real Postgres and Redis that the integration global setup starts once per run, with
// a fresh database per test file cloned from a migrated template.
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.spec.ts', 'apps/*/src/**/*.spec.ts', 'e2e/lint/*.spec.ts'],
          exclude: ['**/*.int.spec.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'web',
          include: ['apps/web/src/**/*.spec.tsx'],
          environment: 'jsdom',
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['libs/*/src/**/*.int.spec.ts', 'apps/*/src/**/*.int.spec.ts', 'e2e/**/*.int.spec.ts'],
          environment: 'node',
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
  },
});
