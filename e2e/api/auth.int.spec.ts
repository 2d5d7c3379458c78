import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator } from '@mailstead/auth';
import { AUTHENTICATOR } from '../../apps/server/src/app/tokens';
import { addUser, Client, startApi, type ApiHarness } from './api-harness';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
  await addUser(api.db, 'alice@auth.test', 'alice-password');
  await addUser(api.db, 'bob@auth.test', 'bob-password');
});
afterAll(async () => api?.stop());

describe('auth and sessions', () => {
  it('logs in with a session cookie (httpOnly, SameSite=Lax) and a readable CSRF cookie, then answers who am I', async () => {
    const c = new Client(api.base);
    const res = await c.login('Alice@auth.test', 'alice-password');
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((x) => x.startsWith('mailstead_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/i);
    expect(cookies.find((x) => x.startsWith('mailstead_csrf='))).not.toMatch(/HttpOnly/i);
    const me = await c.json('GET', '/api/auth/me');
    expect(me.account).toMatchObject({ address: 'alice@auth.test', role: 'user' });
    expect(me.csrfToken).toBe(c.csrf);
  });

  it('refuses wrong passwords and unknown users with 401 in the error shape, and bad input with 400 per field', async () => {
    const c = new Client(api.base);
    const wrong = await c.login('alice@auth.test', 'nope');
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.requestId).toBe(wrong.headers.get('x-request-id'));
    expect((await c.login('nobody@auth.test', 'x')).status).toBe(401);
    const bad = await c.request('POST', '/api/auth/login', { address: 'a' });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { fields: Record<string, string[]> } }).error.fields;
    expect(Object.keys(fields).sort()).toEqual(['address', 'password']);
    const notJson = await fetch(`${api.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });

  it('answers 401 without a session and after logout', async () => {
    const anonymous = new Client(api.base);
    expect((await anonymous.get('/api/auth/me')).status).toBe(401);
    const c = new Client(api.base);
    await c.login('bob@auth.test', 'bob-password');
    const stolen = new Map(c.cookies);
    expect((await c.post('/api/auth/logout')).status).toBe(200);
    expect((await c.get('/api/auth/me')).status).toBe(401);
    const replay = new Client(api.base);
    replay.cookies = stolen;
    expect((await replay.get('/api/auth/me')).status).toBe(401);
  });

  it('rejects state-changing requests without the CSRF token, or with another session\'s token', async () => {
    const c = new Client(api.base);
    await c.login('alice@auth.test', 'alice-password');
    const missing = await c.request('POST', '/api/auth/app-passwords', { label: 'x' }, { 'x-csrf-token': '' });
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('csrf');
    const other = new Client(api.base);
    await other.login('bob@auth.test', 'bob-password');
    expect((await c.request('POST', '/api/auth/app-passwords', { label: 'x' }, { 'x-csrf-token': other.csrf })).status).toBe(403);
    expect((await c.request('POST', '/api/auth/logout', {}, { 'x-csrf-token': 'x' })).status).toBe(403);
    expect((await c.get('/api/auth/me')).status).toBe(200);
  });

  it('creates app passwords shown once, lists and revokes them; they work for mail protocols but not for the web login', async () => {
    const c = new Client(api.base);
    await c.login('alice@auth.test', 'alice-password');
    const created = await c.json('POST', '/api/auth/app-passwords', { label: 'phone' }, 201);
    expect(created.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const list = await c.json('GET', '/api/auth/app-passwords');
    expect(list).toEqual([expect.objectContaining({ id: created.id, label: 'phone', lastUsedAt: null })]);
    expect(JSON.stringify(list)).not.toContain(created.password);
    expect((await new Client(api.base).login('alice@auth.test', created.password)).status).toBe(401);
    const authenticator = api.app.get<symbol, Authenticator>(AUTHENTICATOR, { strict: false });
    expect(await authenticator.authenticate({ username: 'alice@auth.test', password: created.password, ip: '127.0.0.9', protocol: 'imap' })).toMatchObject({ ok: true, via: 'app-password' });
    // Bob cannot revoke Alice's app password.
    const bob = new Client(api.base);
    await bob.login('bob@auth.test', 'bob-password');
    expect((await bob.request('DELETE', `/api/auth/app-passwords/${created.id}`)).status).toBe(404);
    expect((await c.request('DELETE', `/api/auth/app-passwords/${created.id}`)).status).toBe(200);
    expect(await c.json('GET', '/api/auth/app-passwords')).toEqual([]);
    expect(await authenticator.authenticate({ username: 'alice@auth.test', password: created.password, ip: '127.0.0.9', protocol: 'imap' })).toMatchObject({ ok: false });
  });

  it('changes the password: the old one stops working, other sessions end, this one stays', async () => {
    await addUser(api.db, 'carol@auth.test', 'carol-password');
    const a = new Client(api.base);
    const b = new Client(api.base);
    await a.login('carol@auth.test', 'carol-password');
    await b.login('carol@auth.test', 'carol-password');
    const wrong = await a.request('POST', '/api/auth/password', { currentPassword: 'nope', newPassword: 'carol-new-password' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: unknown }).error).toMatchObject({ message: 'The current password is wrong', fields: { currentPassword: ['The current password is wrong'] } });
    expect((await a.request('POST', '/api/auth/password', { currentPassword: 'carol-password', newPassword: 'short' })).status).toBe(400);
    // libs/contracts passwordProblem: characters, not UTF-16 units (7 emoji are 14 units), and no line breaks.
    for (const newPassword of ['🔑'.repeat(7), 'carol\nnew-password']) {
      const refused = await a.request('POST', '/api/auth/password', { currentPassword: 'carol-password', newPassword });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { fields: Record<string, string[]> } }).error.fields.newPassword![0]).toMatch(/at least 8 characters|control characters/);
    }
    await a.json('POST', '/api/auth/password', { currentPassword: 'carol-password', newPassword: 'carol-new-password' });
    expect((await a.get('/api/auth/me')).status).toBe(200);
    expect((await b.get('/api/auth/me')).status).toBe(401);
    expect((await new Client(api.base).login('carol@auth.test', 'carol-password')).status).toBe(401);
    expect((await new Client(api.base).login('carol@auth.test', 'carol-new-password')).status).toBe(200);
  });

  it('refuses a disabled account at login and ends its live sessions', async () => {
    await addUser(api.db, 'dave@auth.test', 'dave-password');
    const c = new Client(api.base);
    await c.login('dave@auth.test', 'dave-password');
    await api.db.store.accounts.setEnabled('dave@auth.test', false);
    expect((await c.get('/api/auth/me')).status).toBe(401);
    expect((await new Client(api.base).login('dave@auth.test', 'dave-password')).status).toBe(403);
  });

  it('throttles repeated failures with 429 and Retry-After', async () => {
    await addUser(api.db, 'eve@auth.test', 'eve-password');
    const c = new Client(api.base);
    let last: Response | undefined;
    for (let i = 0; i < 12; i++) last = await c.login('eve@auth.test', `guess-${i}`);
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('publishes the OpenAPI document at /api/docs/json and the viewer at /api/docs', async () => {
    const doc = (await (await fetch(`${api.base}/api/docs/json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/mailboxes/{id}/messages', '/api/admin/users']));
    expect(doc.paths['/api/auth/login']!.post).toMatchObject({ requestBody: { content: { 'application/json': { schema: { required: ['address', 'password'] } } } } });
    const html = await fetch(`${api.base}/api/docs`);
    expect(html.status).toBe(200);
    expect(await html.text()).toMatch(/swagger/i);
    expect((await fetch(`${api.base}/api/health`)).status).toBe(200);
  });

  it('health reports the data directory\'s free space, and 503 when it is below MAILSTEAD_MIN_FREE_SPACE', async () => {
    const ok = (await (await fetch(`${api.base}/api/health`)).json()) as { disk: { ok: boolean; freeBytes: number; minFreeBytes: number } };
    expect(ok.disk.ok).toBe(true);
    expect(ok.disk.freeBytes).toBeGreaterThan(ok.disk.minFreeBytes);
    const full = await startApi({ env: { MAILSTEAD_MIN_FREE_SPACE: String(Number.MAX_SAFE_INTEGER) } });
    try {
      const res = await fetch(`${full.base}/api/health`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { status: string; disk: { ok: boolean } })).toMatchObject({ status: 'degraded', disk: { ok: false } });
    } finally {
      await full.stop();
    }
  });
});
