import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, Client, startApi, type ApiHarness } from '../api/api-harness';

/**
 * The admin API of global and per-domain Sieve scripts (/api/admin/sieve-scripts) against the
 * real server and Postgres: a server administrator manages the global ones and every domain's,
 * a domain admin only their domains' (others are 404), a plain user none (403); scripts are
 * compiled first (400 with line and column); changes are audited. Answers are checked against
 * the OpenAPI document by the harness's client.
 */
let api: ApiHarness;
let admin: Client;
let tenant: Client;
let user: Client;

const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const errorOf = async (res: Response) => (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string[]> } };

beforeAll(async () => {
  api = await startApi();
  await addUser(api.db, 'root@ops.test', 'root-password', 'admin');
  await addUser(api.db, 'ann@one.test', 'ann-password');
  const boss = await addUser(api.db, 'boss@two.test', 'boss-password', 'domain_admin');
  await api.db.store.admin.addDomainAdmin(boss.id, boss.domainId);
  await addUser(api.db, 'plain@two.test', 'plain-password');
  admin = new Client(api.base);
  tenant = new Client(api.base);
  user = new Client(api.base);
  expect((await admin.login('root@ops.test', 'root-password')).status).toBe(200);
  expect((await tenant.login('boss@two.test', 'boss-password')).status).toBe(200);
  expect((await user.login('plain@two.test', 'plain-password')).status).toBe(200);
});
afterAll(async () => {
  await api?.stop();
});

describe('/api/admin/sieve-scripts', () => {
  it('creates, lists, changes and deletes global and per-domain scripts for a server administrator', async () => {
    const spam = await admin.json('POST', '/api/admin/sieve-scripts', { name: 'spam', place: 'before', domain: null, content: 'require "fileinto";\nif header :contains "X-Spam-Flag" "YES" { fileinto "Junk"; stop; }\n' }, 201);
    expect(spam).toMatchObject({ name: 'spam', place: 'before', domain: null, version: 1 });
    const footer = await admin.json('POST', '/api/admin/sieve-scripts', { name: 'footer', place: 'after', domain: 'One.Test', content: 'keep;\n' }, 201);
    expect(footer).toMatchObject({ domain: 'one.test', size: 6 });

    const res = await admin.get(`/api/admin/sieve-scripts?sort=${enc(['name', 'ASC'])}&range=${enc([0, 9])}`);
    expect(res.headers.get('content-range')).toBe('sieve-scripts 0-1/2');
    expect(((await res.json()) as { name: string }[]).map((s) => s.name)).toEqual(['footer', 'spam']);

    const changed = await admin.json('PUT', `/api/admin/sieve-scripts/${spam.id}`, { place: 'after' });
    expect(changed).toMatchObject({ place: 'after', version: 2, content: spam.content });
    expect(await api.db.store.sieve.aroundUser((await api.db.store.domains.findByName('one.test'))!.id)).toMatchObject({ before: [], after: [{ name: 'footer' }, { name: 'spam' }] });

    expect(await admin.json('DELETE', `/api/admin/sieve-scripts/${footer.id}`)).toMatchObject({ name: 'footer' });
    expect((await admin.get(`/api/admin/sieve-scripts/${footer.id}`)).status).toBe(404);
    const actions = (await api.db.store.audit.recent()).map((a) => `${a.actor} ${a.action} ${a.target}`);
    expect(actions).toEqual(expect.arrayContaining(['root@ops.test sieve.put global:spam', 'root@ops.test sieve.put one.test:footer', 'root@ops.test sieve.delete one.test:footer']));
  });

  it('refuses a script that does not compile with its line and column, and a name taken twice', async () => {
    const bad = await admin.request('POST', '/api/admin/sieve-scripts', { name: 'broken', place: 'before', domain: null, content: 'require "fileinto";\nfileinto;\n' });
    expect(bad.status).toBe(400);
    const { error } = await errorOf(bad);
    expect(error.message).toMatch(/^The script has errors: line 2, column \d+: /);
    expect(error.fields?.content?.[0]).toMatch(/^line 2, column \d+: /);
    await admin.json('POST', '/api/admin/sieve-scripts', { name: 'twice', place: 'include', domain: null, content: 'keep;' }, 201);
    expect((await admin.request('POST', '/api/admin/sieve-scripts', { name: 'twice', place: 'before', domain: null, content: 'keep;' })).status).toBe(409);
    expect((await admin.request('POST', '/api/admin/sieve-scripts', { name: 'x', place: 'personal', domain: null, content: 'keep;' })).status).toBe(400);
    expect((await admin.request('POST', '/api/admin/sieve-scripts', { name: 'x', place: 'before', domain: 'nowhere.test', content: 'keep;' })).status).toBe(404);
  });

  it("keeps a domain admin to their domains' scripts and a plain user out", async () => {
    const [spam] = await admin.json<{ id: number }[]>('GET', `/api/admin/sieve-scripts?filter=${enc({ q: 'spam' })}`);
    const own = await tenant.json('POST', '/api/admin/sieve-scripts', { name: 'tag', place: 'before', domain: 'two.test', content: 'keep;' }, 201);
    expect((await tenant.request('POST', '/api/admin/sieve-scripts', { name: 'g', place: 'before', domain: null, content: 'keep;' })).status).toBe(403);
    expect((await tenant.request('POST', '/api/admin/sieve-scripts', { name: 'g', place: 'before', domain: 'one.test', content: 'keep;' })).status).toBe(404);
    expect((await tenant.get(`/api/admin/sieve-scripts/${spam!.id}`)).status).toBe(404);
    expect((await tenant.request('PUT', `/api/admin/sieve-scripts/${spam!.id}`, { content: 'discard;' })).status).toBe(404);
    expect((await tenant.request('DELETE', `/api/admin/sieve-scripts/${spam!.id}`)).status).toBe(404);
    expect((await tenant.json<{ name: string }[]>('GET', '/api/admin/sieve-scripts')).map((s) => s.name)).toEqual(['tag']);
    expect(await tenant.json('PUT', `/api/admin/sieve-scripts/${own.id}`, { content: 'stop;' })).toMatchObject({ content: 'stop;', version: 2 });
    expect((await user.get('/api/admin/sieve-scripts')).status).toBe(403);
  });
});
