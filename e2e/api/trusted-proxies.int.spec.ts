import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, startApi, type ApiHarness } from './api-harness';

/** A login as a client behind (or pretending to be behind) a proxy would send it. */
function login(api: ApiHarness, address: string, password: string, forwarded: { for?: string; proto?: string }) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (forwarded.for) headers['x-forwarded-for'] = forwarded.for;
  if (forwarded.proto) headers['x-forwarded-proto'] = forwarded.proto;
  return fetch(`${api.base}/api/auth/login`, { method: 'POST', headers, body: JSON.stringify({ address, password }) });
}

async function lastLoginIp(api: ApiHarness, address: string): Promise<string | null> {
  const entry = (await api.db.store.audit.recent(50)).find((e) => e.action === 'auth.login' && e.actor === address);
  return entry?.ip ?? null;
}

const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('mailstead_session='))!;

// Three failures per IP: enough to see which IP the throttle counts.
const THROTTLE = { MAILSTEAD_LOGIN_MAX_FAILURES_PER_IP: '3', MAILSTEAD_LOGIN_MAX_FAILURES_PER_ACCOUNT: '50' };

describe('MAILSTEAD_TRUSTED_PROXIES unset: forwarding headers are ignored', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ env: THROTTLE });
    await addUser(api.db, 'alice@proxy.test', 'alice-password');
    await addUser(api.db, 'target@proxy.test', 'target-password');
  });
  afterAll(async () => api?.stop());

  it('records the socket address and sets no Secure cookie, whatever X-Forwarded-For/-Proto claim', async () => {
    const res = await login(api, 'alice@proxy.test', 'alice-password', { for: '203.0.113.7', proto: 'https' });
    expect(res.status).toBe(200);
    expect(await lastLoginIp(api, 'alice@proxy.test')).toBe('127.0.0.1');
    expect(sessionCookie(res)).not.toMatch(/Secure/i);
  });

  it('counts failures against the socket address: a new X-Forwarded-For per guess does not escape the throttle', async () => {
    for (let i = 1; i <= 3; i++) expect((await login(api, 'target@proxy.test', `guess-${i}`, { for: `198.51.100.${i}` })).status).toBe(401);
    expect((await login(api, 'target@proxy.test', 'guess-4', { for: '198.51.100.4' })).status).toBe(429);
  });
});

describe('MAILSTEAD_TRUSTED_PROXIES=127.0.0.1/32: the proxy on loopback is believed', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ env: { ...THROTTLE, MAILSTEAD_TRUSTED_PROXIES: '127.0.0.1/32' } });
    await addUser(api.db, 'alice@proxy.test', 'alice-password');
    await addUser(api.db, 'target@proxy.test', 'target-password');
  });
  afterAll(async () => api?.stop());

  it('records the forwarded client address and marks cookies Secure when the proxy says https', async () => {
    const res = await login(api, 'alice@proxy.test', 'alice-password', { for: '203.0.113.7', proto: 'https' });
    expect(res.status).toBe(200);
    expect(await lastLoginIp(api, 'alice@proxy.test')).toBe('203.0.113.7');
    expect(sessionCookie(res)).toMatch(/Secure/i);
    const plain = await login(api, 'alice@proxy.test', 'alice-password', { for: '203.0.113.7', proto: 'http' });
    expect(sessionCookie(plain)).not.toMatch(/Secure/i);
  });

  it('throttles the forwarded client, not the proxy', async () => {
    for (let i = 1; i <= 3; i++) expect((await login(api, 'target@proxy.test', `guess-${i}`, { for: '198.51.100.9' })).status).toBe(401);
    expect((await login(api, 'target@proxy.test', 'guess-4', { for: '198.51.100.9' })).status).toBe(429);
    expect((await login(api, 'target@proxy.test', 'target-password', { for: '198.51.100.10' })).status).toBe(200);
  });
});
