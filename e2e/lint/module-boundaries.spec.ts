import { fileURLToPath } from 'node:url';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layer rule of eslint.config.mjs (@nx/enforce-module-boundaries over the `layer:` tags of
// every project.json), run through ESLint's Node API on imports written for the test. The files
// named need not exist: the rule finds the importing project by path. Type-aware parsing is
// switched off (disableTypeChecked) because it needs files a tsconfig includes, and the boundary
// rule does not use types.
const root = fileURLToPath(new URL('../..', import.meta.url));
const RULE = '@nx/enforce-module-boundaries';
let eslint: ESLint;

beforeAll(async () => {
  // The rule reads Nx's cached project graph and skips itself (a warning) when there is none.
  await createProjectGraphAsync({ exitOnError: false });
  eslint = new ESLint({ cwd: root, overrideConfig: [tseslint.configs.disableTypeChecked] });
}, 60_000);

async function boundaryMessages(file: string, module: string, name: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { ${name} } from '${module}';\nexport const used = ${name};\n`, { filePath: `${root}/${file}` });
  const messages = result!.messages;
  const other = messages.filter((m) => m.ruleId !== RULE);
  if (other.some((m) => m.fatal)) throw new Error(other.map((m) => m.message).join('\n'));
  return messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('layers', () => {
  it.each([
    ['a protocol may not import another protocol', 'libs/imap/src/boundary-probe.ts', '@mailstead/smtp', 'SmtpFrontEnd', 'A project tagged with "layer:protocol" can only depend on libs tagged with "layer:core", "layer:infra", "layer:foundation"'],
    ['pop3 may not import imap', 'libs/pop3/src/boundary-probe.ts', '@mailstead/imap', 'ImapServer', 'A project tagged with "layer:protocol" can only depend on'],
    ['foundation imports no lib', 'libs/mime/src/boundary-probe.ts', '@mailstead/config', 'parseConfig', 'A project tagged with "layer:foundation" cannot depend on any libs with tags'],
    ['the web app sees only contracts', 'apps/web/src/boundary-probe.ts', '@mailstead/store', 'splitAddress', 'A project tagged with "scope:frontend" can only depend on libs tagged with "scope:shared"'],
    ['libs/testing is for tests only', 'libs/imap/src/boundary-probe.ts', '@mailstead/testing', 'redisUrl', 'A project tagged with "layer:protocol" can only depend on'],
  ])('%s', async (_name, file, module, name, expected) => {
    const messages = await boundaryMessages(file, module, name);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(expected);
  });

  // An upward import usually also closes a cycle (every protocol builds on the store, IMAP on
  // auth), which the rule reports first, whatever the tags say; either report rejects it.
  it.each([
    ['store (infra) may not import a protocol', 'libs/store/src/boundary-probe.ts', 'store', '@mailstead/imap', 'imap', 'layer:infra'],
    ['core may not import a protocol', 'libs/auth/src/boundary-probe.ts', 'auth', '@mailstead/imap', 'imap', 'layer:core'],
    ['the store may not import core', 'libs/store/src/boundary-probe.ts', 'store', '@mailstead/auth', 'auth', 'layer:infra'],
  ])('%s', async (_name, file, source, module, target, layer) => {
    const messages = await boundaryMessages(file, module, 'anything');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(new RegExp(`^(Circular dependency between "${source}" and "${target}"|A project tagged with "${layer}" can only depend on)`));
  });

  it.each([
    ['a protocol over the store', 'libs/imap/src/boundary-probe.ts', '@mailstead/store', 'ChangeFeed'],
    ['a protocol over core', 'libs/pop3/src/boundary-probe.ts', '@mailstead/auth', 'Authenticator'],
    ['the store over foundation (mime under storage)', 'libs/store/src/boundary-probe.ts', '@mailstead/mime', 'parseMessage'],
    ['core over core', 'libs/pipeline/src/boundary-probe.ts', '@mailstead/auth', 'Authenticator'],
    ['the server app over a protocol', 'apps/server/src/boundary-probe.ts', '@mailstead/smtp', 'SmtpFrontEnd'],
    ['the web app over contracts', 'apps/web/src/boundary-probe.ts', '@mailstead/contracts', 'healthReport'],
    ['a spec over libs/testing', 'libs/imap/src/boundary-probe.spec.ts', '@mailstead/testing', 'redisUrl'],
  ])('allows %s', async (_name, file, module, name) => {
    expect(await boundaryMessages(file, module, name)).toEqual([]);
  });
});
