import { parseConfig } from '@mailstead/config';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, freePort, redisUrl, type TestDatabase } from '@mailstead/testing';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';
import { createLogger } from '../../apps/server/src/runtime/logger';

/** A real Mailstead process (api role only) on a fresh database, driven over HTTP. */
export interface ApiHarness {
  db: TestDatabase;
  server: RunningServer;
  base: string;
  stop(): Promise<void>;
}

export async function startApi(options: { roles?: string; env?: Record<string, string> } = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const config = parseConfig({
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl(),
    MAILSTEAD_ROLES: options.roles ?? 'api',
    MAILSTEAD_HTTP_PORT: String(await freePort()),
    MAILSTEAD_ADMIN_ADDRESS: 'admin@api-admin.test',
    MAILSTEAD_ADMIN_PASSWORD: 'admin-password',
    MAILSTEAD_DATA_DIR: `/tmp/mailstead-api-${db.name}`,
    MAILSTEAD_LOG_LEVEL: 'warn',
    ...options.env,
  });
  const server = await startServer(config, createLogger(config));
  return {
    db,
    server,
    base: `http://127.0.0.1:${config.http.port}`,
    async stop() {
      await server.stop();
      await db.drop();
    },
  };
}

export async function addUser(db: TestDatabase, address: string, password: string, role: 'admin' | 'domain_admin' | 'user' = 'user') {
  const domain = address.split('@')[1]!;
  if (!(await db.store.domains.findByName(domain))) await db.store.domains.create(domain);
  return db.store.accounts.create({ address, passwordHash: await hashPassword(password), role });
}

/** A logged-in HTTP client: keeps the cookies and sends the CSRF token on unsafe methods. */
export class Client {
  cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly base: string) {}

  async login(address: string, password: string): Promise<Response> {
    const res = await this.request('POST', '/api/auth/login', { address, password });
    if (res.status === 200) this.csrf = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    return res;
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined && !(body instanceof FormData)) h['content-type'] = 'application/json';
    if (this.cookies.size > 0) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && this.csrf && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    return res;
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body?: unknown) => this.request('POST', path, body ?? {});

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper: answers are checked by expect()
  async json<T = any>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
