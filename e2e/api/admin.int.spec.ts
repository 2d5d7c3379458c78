import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { addUser, Client, startApi, type ApiHarness } from './api-harness';

let api: ApiHarness;
let admin: Client;
let tenant: Client;
let user: Client;

const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));

beforeAll(async () => {
  api = await startApi();
  await addUser(api.db, 'root@one.test', 'root-password', 'admin');
  const ta = await addUser(api.db, 'boss@two.test', 'boss-password', 'domain_admin');
  await api.db.store.admin.addDomainAdmin(ta.id, ta.domainId);
  await addUser(api.db, 'plain@two.test', 'plain-password');
  for (let i = 0; i < 7; i++) await api.db.store.domains.create(`extra${i}.test`);
  await api.db.store.aliases.create('info@one.test', ['root@one.test']);
  await api.db.store.aliases.create('info@two.test', ['plain@two.test']);
  const outsider = await api.db.store.accounts.findByAddress('plain@two.test');
  const sent = (await api.db.store.mailboxes.findSpecialUse(outsider!.id, '\\Sent'))!;
  await api.db.store.messages.deliver(sampleMessage(1), [{ mailboxId: sent.id }], { outbound: { sender: 'plain@two.test', recipients: [{ address: 'x@remote.example' }] } });
  await api.db.store.messages.deliver(sampleMessage(2), [], { outbound: { sender: 'root@one.test', recipients: [{ address: 'y@remote.example' }] } });
  admin = new Client(api.base);
  tenant = new Client(api.base);
  user = new Client(api.base);
  await admin.login('root@one.test', 'root-password');
  await tenant.login('boss@two.test', 'boss-password');
  await user.login('plain@two.test', 'plain-password');
});
afterAll(async () => api?.stop());

describe('admin resources (ra-data-simple-rest)', () => {
  it('pages with range, sort and filter and answers Content-Range', async () => {
    const res = await admin.get(`/api/admin/domains?sort=${enc(['name', 'ASC'])}&range=${enc([0, 4])}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBe('domains 0-4/9');
    const page = (await res.json()) as { name: string }[];
    expect(page.map((d) => d.name)).toEqual(['extra0.test', 'extra1.test', 'extra2.test', 'extra3.test', 'extra4.test']);
    const second = await admin.get(`/api/admin/domains?sort=${enc(['name', 'DESC'])}&range=${enc([5, 9])}`);
    expect(second.headers.get('content-range')).toBe('domains 5-8/9');
    const filtered = await admin.get(`/api/admin/domains?filter=${enc({ q: 'two' })}`);
    expect(((await filtered.json()) as { name: string }[]).map((d) => d.name)).toEqual(['two.test']);
    expect((await admin.get(`/api/admin/domains?range=${enc([5, 1])}`)).status).toBe(400);
    expect((await admin.get('/api/admin/domains?sort=nope')).status).toBe(400);
  });

  it('creates, reads, updates and deletes users, with validation per field', async () => {
    const bad = await admin.request('POST', '/api/admin/users', { address: 'x', password: 'short' });
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as { error: { fields: object } }).error.fields).sort()).toEqual(['address', 'password']);
    // libs/contracts passwordProblem, on create and on reset
    const tab = await admin.request('POST', '/api/admin/users', { address: 'tab@one.test', password: 'tab\tseparated' });
    expect(((await tab.json()) as { error: { fields: Record<string, string[]> } }).error.fields.password).toEqual(['Password must not contain control characters (tabs, line breaks, NUL)']);
    const created = await admin.json('POST', '/api/admin/users', { address: 'new@one.test', password: 'new-password', quotaBytes: 1000 }, 201);
    expect(created).toMatchObject({ address: 'new@one.test', domain: 'one.test', role: 'user', quotaBytes: 1000, enabled: true });
    expect(await admin.json('GET', `/api/admin/users/${created.id}`)).toEqual(created);
    // field messages and messages are sentences, not zod's text ("Too big: expected int to be <=9007199254740991")
    const huge = (await (await admin.request('PUT', `/api/admin/users/${created.id}`, { quotaBytes: 1e20 })).json()) as { error: { message: string; fields: Record<string, string[]> } };
    expect(huge.error).toMatchObject({ message: 'Quota is too large', fields: { quotaBytes: ['Quota is too large'] } });
    const twice = await admin.request('POST', '/api/admin/users', { address: 'new@one.test', password: 'new-password' });
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { error: { message: string } }).error.message).toBe('Account new@one.test already exists');
    expect((await admin.request('PUT', `/api/admin/users/${created.id}`, { password: '🔑'.repeat(7) })).status).toBe(400);
    const updated = await admin.json('PUT', `/api/admin/users/${created.id}`, { enabled: false, quotaBytes: 5000, password: 'reset-password' });
    expect(updated).toMatchObject({ enabled: false, quotaBytes: 5000 });
    await admin.json('PUT', `/api/admin/users/${created.id}`, { enabled: true });
    expect((await new Client(api.base).login('new@one.test', 'reset-password')).status).toBe(200);
    expect((await admin.json('DELETE', `/api/admin/users/${created.id}`)).address).toBe('new@one.test');
    expect((await admin.get(`/api/admin/users/${created.id}`)).status).toBe(404);
    expect((await admin.request('POST', '/api/admin/users', { address: 'a@nodomain.test', password: 'long-enough' })).status).toBe(404);
  });

  it('handles getMany through filter={"id":[...]} and aliases and lists', async () => {
    const users = (await admin.json<{ id: number; address: string }[]>('GET', '/api/admin/users')).slice(0, 2);
    const many = await admin.json<{ id: number }[]>('GET', `/api/admin/users?filter=${enc({ id: users.map((u) => u.id) })}`);
    expect(many.map((u) => u.id).sort()).toEqual(users.map((u) => u.id).sort());
    const alias = await admin.json('POST', '/api/admin/aliases', { source: 'sales@one.test', destinations: ['root@one.test'] }, 201);
    expect((await admin.json('PUT', `/api/admin/aliases/${alias.id}`, { destinations: ['root@one.test', 'out@remote.example'] })).destinations).toHaveLength(2);
    const list = await admin.json('POST', '/api/admin/lists', { address: 'team@one.test', name: 'Team', members: ['root@one.test', 'b@remote.example'] }, 201);
    expect(list.members.map((m: { address: string }) => m.address)).toEqual(['b@remote.example', 'root@one.test']);
    const changed = await admin.json('PUT', `/api/admin/lists/${list.id}`, { policy: 'moderated', members: ['c@remote.example'] });
    expect(changed).toMatchObject({ policy: 'moderated', members: [{ address: 'c@remote.example', name: null }] });
    await admin.json('DELETE', `/api/admin/lists/${list.id}`);
    await admin.json('DELETE', `/api/admin/aliases/${alias.id}`);
  });

  it('PUT of a list changes only what it is given, never drops members, and refuses a new address with 400', async () => {
    const list = await admin.json('POST', '/api/admin/lists', { address: 'keep@one.test', name: 'Keep', policy: 'moderated', replyTo: 'sender', subjectPrefix: '[k]', members: ['a@remote.example', 'b@remote.example'] }, 201);
    const bounced = await api.db.store.lists.findByAddress('keep@one.test');
    await api.db.store.listBounces.recordBounce(bounced!.id, 'a@remote.example', { threshold: 5, action: 'disable' });
    const addresses = (l: { members: { address: string }[] }) => l.members.map((m) => m.address);

    // A rename alone keeps the members, the policy, the reply-to and the prefix.
    const renamed = await admin.json('PUT', `/api/admin/lists/${list.id}`, { name: 'Kept' });
    expect(renamed).toMatchObject({ name: 'Kept', policy: 'moderated', replyTo: 'sender', subjectPrefix: '[k]' });
    expect(addresses(renamed)).toEqual(['a@remote.example', 'b@remote.example']);
    expect(renamed.members[0]).toMatchObject({ address: 'a@remote.example', bounceCount: 1 });

    // The whole record sent back as it is (its own address) is accepted.
    expect(addresses(await admin.json('PUT', `/api/admin/lists/${list.id}`, { address: 'KEEP@one.test', name: 'Kept' }))).toEqual(['a@remote.example', 'b@remote.example']);

    // A different address cannot be made: 400 with a field message, and nothing changes.
    const moved = await admin.request('PUT', `/api/admin/lists/${list.id}`, { address: 'moved@one.test', name: 'Moved', members: ['c@remote.example'] });
    expect(moved.status).toBe(400);
    expect(((await moved.json()) as { error: { fields: Record<string, string[]> } }).error.fields.address?.[0]).toMatch(/cannot be changed/);
    const after = await admin.json('GET', `/api/admin/lists/${list.id}`);
    expect(after).toMatchObject({ address: 'keep@one.test', name: 'Kept' });
    expect(addresses(after)).toEqual(['a@remote.example', 'b@remote.example']);

    // Members given replace the list; the member who stays keeps its bounce count.
    const replaced = await admin.json('PUT', `/api/admin/lists/${list.id}`, { members: ['A@remote.example', 'c@remote.example'] });
    expect(replaced.members).toMatchObject([{ address: 'a@remote.example', bounceCount: 1 }, { address: 'c@remote.example', bounceCount: 0 }]);
    await admin.json('DELETE', `/api/admin/lists/${list.id}`);
  });

  it('lists the outbound queue with a status filter, retries and deletes entries', async () => {
    const res = await admin.get(`/api/admin/queue?filter=${enc({ status: 'queued' })}`);
    expect(res.headers.get('content-range')).toBe('queue 0-1/2');
    const rows = (await res.json()) as { id: string; sender: string; recipients: { address: string }[] }[];
    expect(rows.map((r) => r.sender).sort()).toEqual(['plain@two.test', 'root@one.test']);
    expect((await admin.get(`/api/admin/queue?filter=${enc({ status: 'lost' })}`)).status).toBe(400);
    const retried = await admin.json('POST', `/api/admin/queue/${rows[0]!.id}/retry`);
    expect(retried.status).toBe('queued');
    const domainDetail = await admin.json('GET', `/api/admin/domains/${(await api.db.store.domains.findByName('one.test'))!.id}`);
    // MAILSTEAD_HOSTNAME is the default localhost: no MX, SRV or CNAME names it, and without a DKIM key only SPF and DMARC remain.
    expect(domainDetail.dns.map((r: { name: string }) => r.name)).toEqual(['one.test', '_dmarc.one.test']);
  });

  it('records admin actions in the audit log, newest first', async () => {
    const entries = await admin.json<{ action: string; actor: string; details: Record<string, unknown> | null }[]>('GET', '/api/admin/audit');
    expect(entries[0]!.action).toMatch(/^(queue|list|alias)\./);
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['user.create', 'user.update', 'user.delete', 'alias.create', 'list.create']));
    expect(JSON.stringify(entries)).not.toContain('reset-password');
  });
});

describe('roles', () => {
  it('refuses the admin API to plain users with 403', async () => {
    for (const path of ['/api/admin/domains', '/api/admin/users', '/api/admin/queue', '/api/admin/audit']) expect((await user.get(path)).status).toBe(403);
    expect((await user.request('POST', '/api/admin/users', { address: 'z@two.test', password: 'long-enough' })).status).toBe(403);
  });

  it('limits a domain admin to their domains: other tenants\' rows are invisible and untouchable', async () => {
    const domains = await tenant.json<{ name: string }[]>('GET', '/api/admin/domains');
    expect(domains.map((d) => d.name)).toEqual(['two.test']);
    const users = await tenant.json<{ address: string }[]>('GET', '/api/admin/users');
    expect(users.map((u) => u.address).sort()).toEqual(['boss@two.test', 'plain@two.test']);
    const aliases = await tenant.json<{ source: string }[]>('GET', '/api/admin/aliases');
    expect(aliases.map((a) => a.source)).toEqual(['info@two.test']);
    const queue = await tenant.json<{ sender: string }[]>('GET', '/api/admin/queue');
    expect(queue.map((q) => q.sender)).toEqual(['plain@two.test']);
    const root = await api.db.store.accounts.findByAddress('root@one.test');
    const oneDomain = await api.db.store.domains.findByName('one.test');
    expect((await tenant.get(`/api/admin/users/${root!.id}`)).status).toBe(404);
    expect((await tenant.request('PUT', `/api/admin/users/${root!.id}`, { enabled: false })).status).toBe(404);
    expect((await tenant.request('DELETE', `/api/admin/users/${root!.id}`)).status).toBe(404);
    expect((await tenant.get(`/api/admin/domains/${oneDomain!.id}`)).status).toBe(404);
    expect((await tenant.request('POST', '/api/admin/users', { address: 'x@one.test', password: 'long-enough' })).status).toBe(403);
    expect((await tenant.request('POST', '/api/admin/aliases', { source: 'y@one.test', destinations: ['boss@two.test'] })).status).toBe(403);
    expect((await tenant.request('POST', '/api/admin/domains', { name: 'mine.test' })).status).toBe(403);
    expect((await tenant.request('POST', '/api/admin/users', { address: 'up@two.test', password: 'long-enough', role: 'admin' })).status).toBe(403);
    const own = await tenant.json('POST', '/api/admin/users', { address: 'helper@two.test', password: 'long-enough' }, 201);
    expect(own.domain).toBe('two.test');
    expect((await api.db.store.accounts.findByAddress('root@one.test'))!.enabled).toBe(true);
    const audit = await tenant.json<{ target: string }[]>('GET', '/api/admin/audit');
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((a) => a.target === 'two.test' || a.target.endsWith('@two.test'))).toBe(true);
  });
});
