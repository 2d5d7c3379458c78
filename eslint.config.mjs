import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Layers, lowest first; a project may import its own layer's libs only where said (core), never
 * one above it, and protocols never each other (as Dovecot's lib -> lib-mail -> lib-storage ->
 * imap/pop3/lmtp). Every project.json carries one `layer:` tag. apps/web (scope:frontend) sees
 * only libs/contracts (scope:shared). libs/testing (layer:testing) only from *.spec.ts files.
 * e2e/lint/module-boundaries.spec.ts checks that it rejects what it should.
 */
const LAYERS = {
  'layer:foundation': [],
  'layer:infra': ['layer:foundation'],
  'layer:core': ['layer:core', 'layer:infra', 'layer:foundation'],
  'layer:protocol': ['layer:core', 'layer:infra', 'layer:foundation'],
  'layer:app': ['layer:protocol', 'layer:core', 'layer:infra', 'layer:foundation'],
  'layer:testing': ['layer:infra', 'layer:foundation'],
};

function moduleBoundaries({ tests }) {
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    // Tests of store use libs/testing, which starts a migrated store for them.
    ignoredCircularDependencies: [['store', 'testing']],
    depConstraints: [
      { sourceTag: 'scope:backend', onlyDependOnLibsWithTags: ['scope:backend', 'scope:shared'] },
      { sourceTag: 'scope:frontend', onlyDependOnLibsWithTags: ['scope:shared'] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ...Object.entries(LAYERS).map(([sourceTag, below]) => ({
        sourceTag,
        onlyDependOnLibsWithTags: tests && sourceTag !== 'layer:testing' && sourceTag !== 'layer:foundation' ? [...below, 'layer:testing'] : below,
      })),
    ],
  };
}

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '.mailstead/**', '.nx/**', 'e2e/bench/.work/**', 'tmp/**'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['apps/web/vite.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through @mailstead/config (libs/config is the only env reader).',
        },
      ],
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries({ tests: false })],
    },
  },
  {
    // Tests (and only tests) may use the shared test harness in libs/testing.
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries({ tests: true })] },
  },
  {
    // The Prisma client may be imported by libs/store only.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['libs/store/**', 'libs/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@prisma/*', '**/generated/prisma/**'], message: 'Only libs/store talks to Postgres: use its repositories.' },
          ],
          paths: [{ name: 'pg', message: 'Only libs/store talks to Postgres: use its repositories.' }],
        },
      ],
    },
  },
  {
    files: ['libs/config/**/*.ts', 'libs/testing/**/*.ts', 'e2e/**/*.ts', '**/*.spec.ts', '*.config.ts', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
