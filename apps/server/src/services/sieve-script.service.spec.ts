import type { SieveScriptSummary, Store } from '@mailstead/store';
import { describe, expect, it, vi } from 'vitest';
import type { AdminScope } from './admin-scope';
import { ServiceError } from './service-error';
import type { SieveCheckResult } from './sieve-compiler';
import { SieveScriptError, SieveScriptService, type SieveScriptFailure } from './sieve-script.service';

const admin: AdminScope = { actor: 'root@one.test', isAdmin: true, domains: [] };
const tenant: AdminScope = { actor: 'boss@two.test', isAdmin: false, domains: [{ id: 2, name: 'two.test' }], domainIds: [2] };

/** The sieve repository as an in-memory list of one account's scripts. */
/** The compiler is libs/sieve's by default; here every script compiles unless a test says otherwise. */
function setup(limits = { maxScriptSize: 100, maxScripts: 2 }, compile: (source: string) => SieveCheckResult = () => ({ ok: true })) {
  const scripts: (SieveScriptSummary & { content: string })[] = [];
  const store = {
    sieve: {
      list: vi.fn(async () => scripts.map(({ name, active, size }) => ({ name, active, size }))),
      get: vi.fn(async (_: number, name: string) => scripts.find((s) => s.name === name) ?? null),
      put: vi.fn(async (_: number, name: string, content: string) => {
        const existing = scripts.find((s) => s.name === name);
        if (existing) existing.content = content;
        else scripts.push({ name, content, active: false, size: Buffer.byteLength(content) });
        return { name, content };
      }),
      remove: vi.fn(async (_: number, name: string) => {
        const i = scripts.findIndex((s) => s.name === name);
        if (i === -1) return 'missing';
        if (scripts[i]!.active) return 'active';
        scripts.splice(i, 1);
        return 'deleted';
      }),
      rename: vi.fn(async (_: number, from: string, to: string) => {
        const row = scripts.find((s) => s.name === from);
        if (!row) return 'missing';
        if (scripts.some((s) => s.name === to)) return 'exists';
        row.name = to;
        return 'renamed';
      }),
      setActive: vi.fn(async (_: number, name: string | null) => {
        if (name !== null && !scripts.some((s) => s.name === name)) return false;
        for (const s of scripts) s.active = s.name === name;
        return true;
      }),
      putAdmin: vi.fn(async (owner: { domainId: number | null }, place: string, name: string, content: string) => ({ ...owner, place, name, content, version: 1 })),
      listAdmin: vi.fn(async () => []),
    },
    domains: { findByName: vi.fn(async (name: string) => (name === 'two.test' ? { id: 2, name } : name === 'three.test' ? { id: 3, name } : null)) },
    audit: { record: vi.fn(async () => undefined) },
  };
  return { scripts, store, service: new SieveScriptService(store as unknown as Store, limits, compile) };
}

async function failure<E extends ServiceError = SieveScriptError>(p: Promise<unknown> | (() => unknown), type: new (...args: never[]) => E = SieveScriptError as never): Promise<E> {
  const error = await Promise.resolve()
    .then(() => (typeof p === 'function' ? p() : p))
    .then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(type);
  return error as E;
}

const expectFailure = async (p: Promise<unknown> | (() => unknown), failureKind: SieveScriptFailure, code: string) => {
  const error = await failure(p);
  expect([error.failure, error.code]).toEqual([failureKind, code]);
  return error;
};

describe('SieveScriptService', () => {
  it('stores a script that compiles, and replaces it under the same name', async () => {
    const { service, scripts } = setup();
    await service.put(1, 'main', 'keep;');
    await service.put(1, 'main', 'discard;');
    expect(scripts).toEqual([expect.objectContaining({ name: 'main', content: 'discard;' })]);
  });

  it('refuses a script that does not compile, naming line and column of each error', async () => {
    const compile = (): SieveCheckResult => ({ ok: false, errors: [{ line: 2, column: 1, message: 'unknown command "InvalidSieveCommand"' }, { line: 3, column: 4, message: 'missing ;' }] });
    const { service, scripts } = setup(undefined, compile);
    const error = await expectFailure(service.put(1, 'foo', '#comment\r\nInvalidSieveCommand\r\n'), 'bad-script', 'invalid');
    expect(error.message).toBe('The script has errors: line 2, column 1: unknown command "InvalidSieveCommand"; line 3, column 4: missing ;');
    expect(error.fields).toEqual({ content: ['line 2, column 1: unknown command "InvalidSieveCommand"', 'line 3, column 4: missing ;'] });
    expect(error.problems).toHaveLength(2);
    expect(scripts).toEqual([]);
    await expectFailure(() => service.check('x'), 'bad-script', 'invalid');
  });

  it('holds each script to the size quota in octets, and the account to the number of scripts', async () => {
    const { service } = setup({ maxScriptSize: 10, maxScripts: 2 });
    await expectFailure(service.put(1, 'big', '#'.repeat(11)), 'too-large', 'invalid');
    // five two-octet characters are ten octets: fits; six are twelve: too large
    await service.put(1, 'a', 'é'.repeat(5));
    await expectFailure(service.put(1, 'b', 'é'.repeat(6)), 'too-large', 'invalid');
    await service.put(1, 'b', 'keep;');
    await expectFailure(service.put(1, 'c', 'keep;'), 'too-many', 'invalid');
    await service.put(1, 'b', 'stop;'); // replacing one always fits
    await expectFailure(service.haveSpace(1, 'c', 1), 'too-many', 'invalid');
    await expectFailure(service.haveSpace(1, 'a', 11), 'too-large', 'invalid');
    await expect(service.haveSpace(1, 'a', 10)).resolves.toBeUndefined();
  });

  it('takes no script-count limit when maxScripts is 0', async () => {
    const { service, scripts } = setup({ maxScriptSize: 100, maxScripts: 0 });
    for (const name of ['a', 'b', 'c']) await service.put(1, name, 'keep;');
    expect(scripts).toHaveLength(3);
  });

  it('refuses names RFC 5804 1.6 forbids, and NUL in a script', async () => {
    const { service } = setup();
    for (const name of ['', 'a\r\nb', 'tab\there', 'x\u0085', 'line\u2028sep', 'n'.repeat(257)]) {
      await expectFailure(service.put(1, name, 'keep;'), 'bad-name', 'invalid');
    }
    await service.put(1, 'n'.repeat(256), 'keep;');
    await service.put(1, 'clever"script ü', 'keep;');
    await expectFailure(service.put(1, 'nul', 'keep;\u0000'), 'bad-script', 'invalid');
  });

  it('activates one script, refuses to delete it, and says which scripts do not exist', async () => {
    const { service, scripts } = setup({ maxScriptSize: 100, maxScripts: 5 });
    await service.put(1, 'a', 'keep;');
    await service.put(1, 'b', 'keep;');
    await service.activate(1, 'a');
    await expectFailure(service.activate(1, 'zzz'), 'nonexistent', 'not_found');
    await expectFailure(service.remove(1, 'a'), 'active', 'conflict');
    await expectFailure(service.remove(1, 'zzz'), 'nonexistent', 'not_found');
    await service.remove(1, 'b');
    await service.deactivate(1);
    await service.remove(1, 'a');
    expect(scripts).toEqual([]);
    await expectFailure(service.get(1, 'a'), 'nonexistent', 'not_found');
  });

  it('renames only to a free, valid name', async () => {
    const { service, scripts } = setup();
    await service.put(1, 'a', 'keep;');
    await service.put(1, 'b', 'keep;');
    await expectFailure(service.rename(1, 'a', 'b'), 'exists', 'conflict');
    await expectFailure(service.rename(1, 'zzz', 'c'), 'nonexistent', 'not_found');
    await expectFailure(service.rename(1, 'a', ''), 'bad-name', 'invalid');
    await service.rename(1, 'a', 'c');
    expect(scripts.map((s) => s.name)).toEqual(['c', 'b']);
  });

  it('keeps global scripts to server administrators and domain scripts to their domain admins, and audits changes', async () => {
    const { service, store } = setup();
    await service.putAdmin(admin, { domain: null }, 'before', 'spam', 'keep;');
    expect(store.sieve.putAdmin).toHaveBeenLastCalledWith({ domainId: null }, 'before', 'spam', 'keep;');
    expect(store.audit.record).toHaveBeenLastCalledWith(expect.objectContaining({ actor: 'root@one.test', action: 'sieve.put', target: 'global:spam' }));
    expect((await failure(service.putAdmin(tenant, { domain: null }, 'before', 'spam', 'keep;'), ServiceError)).code).toBe('forbidden');
    await service.putAdmin(tenant, { domain: 'Two.Test' }, 'after', 'tag', 'keep;');
    expect(store.sieve.putAdmin).toHaveBeenLastCalledWith({ domainId: 2 }, 'after', 'tag', 'keep;');
    expect((await failure(service.listAdmin(tenant, { domain: 'three.test' }), ServiceError)).code).toBe('not_found');
    expect((await failure(service.putAdmin(admin, { domain: 'two.test' }, 'personal' as never, 'x', 'keep;'), ServiceError)).code).toBe('invalid');
  });
});
