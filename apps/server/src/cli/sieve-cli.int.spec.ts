import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@mailstead/config';
import { createTestDatabase, type TestDatabase } from '@mailstead/testing';
import { runCli } from './run-cli';

let db: TestDatabase;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-sieve-cli-'));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { config: parseConfig({ DATABASE_URL: db.url, MAILSTEAD_SIEVE_MAX_SCRIPTS: '2' }), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function file(name: string, content: string): string {
  const p = path.join(work, name);
  fs.writeFileSync(p, content);
  return p;
}

const SORT = 'require "fileinto";\nif header :contains "subject" "report" {\n  fileinto "Reports";\n}\n';
const BROKEN = 'require "fileinto";\nfileinto;\n';

beforeAll(async () => {
  db = await createTestDatabase();
  expect((await cli('domain', 'add', 'rules.test')).code).toBe(0);
  expect((await cli('user', 'add', 'ann@rules.test', '--password', 'ann-password-1')).code).toBe(0);
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('mailstead sieve', () => {
  it("stores, activates, lists, prints, renames and deletes an account's scripts", async () => {
    expect(await cli('sieve', 'put', 'Ann@rules.test', 'sort', file('sort.sieve', SORT), '--activate')).toMatchObject({ code: 0, out: 'stored sort for ann@rules.test (active)' });
    expect(await cli('sieve', 'put', 'ann@rules.test', 'spare', file('spare.sieve', 'keep;\n'))).toMatchObject({ code: 0, out: 'stored spare for ann@rules.test' });
    const list = await cli('sieve', 'list', 'ann@rules.test');
    expect(list.out).toMatch(/^sort\s+true\s+\d+$/m);
    expect(list.out).toMatch(/^spare\s+false\s+6$/m);
    expect(await cli('sieve', 'get', 'ann@rules.test', 'sort')).toMatchObject({ code: 0, out: SORT.trimEnd() });
    expect(await cli('sieve', 'delete', 'ann@rules.test', 'sort')).toMatchObject({ code: 1, err: 'mailstead: "sort" is the active script; deactivate it first' });
    expect(await cli('sieve', 'activate', 'ann@rules.test', 'spare')).toMatchObject({ code: 0, out: 'activated spare for ann@rules.test' });
    expect((await db.store.sieve.active((await db.store.accounts.findByAddress('ann@rules.test'))!.id))?.name).toBe('spare');
    expect(await cli('sieve', 'rename', 'ann@rules.test', 'sort', 'sorting')).toMatchObject({ code: 0 });
    expect(await cli('sieve', 'deactivate', 'ann@rules.test')).toMatchObject({ code: 0, out: 'no script is active for ann@rules.test' });
    expect(await cli('sieve', 'delete', 'ann@rules.test', 'spare')).toMatchObject({ code: 0, out: 'deleted spare for ann@rules.test' });
    expect((await cli('sieve', 'list', 'ann@rules.test')).out).toMatch(/^sorting\s+false/m);
  });

  it('refuses a script that does not compile (exit 2, with line and column), a missing script or account (exit 1), and the quota', async () => {
    const broken = await cli('sieve', 'put', 'ann@rules.test', 'broken', file('broken.sieve', BROKEN));
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/^mailstead: The script has errors: line 2, column \d+: /);
    expect(await cli('sieve', 'activate', 'ann@rules.test', 'nothing')).toMatchObject({ code: 1, err: 'mailstead: There is no script named "nothing"' });
    expect(await cli('sieve', 'list', 'nobody@rules.test')).toMatchObject({ code: 1, err: 'mailstead: account nobody@rules.test not found' });
    expect(await cli('sieve', 'put', 'ann@rules.test', 'x', path.join(work, 'missing.sieve'))).toMatchObject({ code: 2, err: `mailstead: cannot read ${path.join(work, 'missing.sieve')}: ENOENT` });
    // MAILSTEAD_SIEVE_MAX_SCRIPTS=2 in this file's config
    expect((await cli('sieve', 'put', 'ann@rules.test', 'second', file('k.sieve', 'keep;\n'))).code).toBe(0);
    expect(await cli('sieve', 'put', 'ann@rules.test', 'third', file('k.sieve', 'keep;\n'))).toMatchObject({ code: 2, err: 'mailstead: At most 2 scripts are allowed; delete one first' });
  });

  it('checks a file without storing it', async () => {
    expect(await cli('sieve', 'check', file('ok.sieve', SORT))).toMatchObject({ code: 0, out: `${path.join(work, 'ok.sieve')}: no errors` });
    expect((await cli('sieve', 'check', 'ann@rules.test', file('ok.sieve', SORT))).code).toBe(0);
    expect((await cli('sieve', 'check', 'ann@rules.test', file('broken.sieve', BROKEN))).err).toMatch(/line 2, column \d+/);
    expect((await cli('sieve', 'check', 'ghost@rules.test', file('ok.sieve', SORT))).code).toBe(1);
  });
});

describe('mailstead sieve global', () => {
  it('stores server-wide and per-domain scripts with their place, lists, prints and deletes them, audited', async () => {
    expect(await cli('sieve', 'global', 'put', 'spam', file('spam.sieve', SORT), '--place', 'before')).toMatchObject({ code: 0, out: 'stored global script spam (before, version 1)' });
    expect(await cli('sieve', 'global', 'put', 'spam', file('spam.sieve', SORT), '--place', 'after')).toMatchObject({ code: 0, out: 'stored global script spam (after, version 2)' });
    expect(await cli('sieve', 'global', 'put', 'tag', file('tag.sieve', 'keep;\n'), '--place', 'include', '--domain', 'Rules.test')).toMatchObject({
      code: 0,
      out: 'stored rules.test script tag (include, version 1)',
    });
    expect((await cli('sieve', 'global', 'list')).out).toMatch(/^spam\s+after\s+\d+\s+2$/m);
    expect((await cli('sieve', 'global', 'list')).out).not.toContain('tag');
    expect((await cli('sieve', 'global', 'list', '--domain', 'rules.test')).out).toMatch(/^tag\s+include\s+6\s+1$/m);
    expect(await cli('sieve', 'global', 'get', 'tag', '--domain', 'rules.test')).toMatchObject({ code: 0, out: 'keep;' });
    expect(await cli('sieve', 'global', 'put', 'x', file('k.sieve', 'keep;\n'), '--place', 'personal')).toMatchObject({ code: 2, err: 'mailstead: --place must be one of before, after, include' });
    expect(await cli('sieve', 'global', 'put', 'x', file('k.sieve', 'keep;\n'), '--place', 'before', '--domain', 'nowhere.test')).toMatchObject({ code: 1, err: 'mailstead: domain nowhere.test not found' });
    expect((await cli('sieve', 'global', 'put', 'x', file('broken.sieve', BROKEN), '--place', 'before')).code).toBe(2);
    expect(await cli('sieve', 'global', 'delete', 'spam')).toMatchObject({ code: 0, out: 'deleted global script spam' });
    expect(await cli('sieve', 'global', 'delete', 'spam')).toMatchObject({ code: 1 });
    const actions = (await db.store.audit.recent()).map((a) => `${a.actor} ${a.action} ${a.target}`);
    expect(actions).toEqual(expect.arrayContaining(['cli sieve.put global:spam', 'cli sieve.put rules.test:tag', 'cli sieve.delete global:spam']));
  });
});
