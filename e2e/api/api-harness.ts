import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { Authenticator, hashPassword, LoginThrottle } from '@mailstead/auth';
import { DeliveryQueue } from '@mailstead/delivery';
import { ChangeFeed } from '@mailstead/store';
import type { MailsteadConfig } from '@mailstead/config';
import { createTestDatabase, redisUrl, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import { AdminMailService } from '../../apps/server/src/api/admin/admin-mail.service';
import { configureHttp } from '../../apps/server/src/api/http-setup';
import { AppModule } from '../../apps/server/src/app/app.module';
import { createHttpAdapter } from '../../apps/server/src/runtime/http-adapter';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { checkDocumentedResponse } from './openapi-responses';

/**
 * The API role's Nest application on a fresh database, listening on a free loopback port and
 * driven over real HTTP. Built like runtime/server.ts does (shared services, global prefix,
 * configureHttp), without the embedded stack and the web app's static files.
 */
export interface ApiHarness {
  db: TestDatabase;
  app: NestFastifyApplication;
  redis: Redis;
  changeFeed: ChangeFeed;
  base: string;
  config: MailsteadConfig;
  /** The delivery queue the API enqueues on, under a key prefix of this test file's own. */
  deliveryQueue: DeliveryQueue;
  stop(): Promise<void>;
}

/** `tls`: the certificate the mail roles (env MAILSTEAD_ROLES) offer; none by default (api only). */
export async function startApi(options: { env?: Record<string, string>; tls?: { cert: Buffer; key: Buffer } } = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const config = await runtimeConfig({ DATABASE_URL: db.url, ...options.env });
  const logger = createLogger(config);
  const redis = new Redis(redisUrl());
  const changeFeed = new ChangeFeed(db.url);
  await changeFeed.start();
  // A throttle prefix per database keeps parallel test files from sharing counters.
  const authenticator = new Authenticator(db.store, new LoginThrottle(redis, config.auth, `test:${db.name}`));
  const module = AppModule.forRoot({ config, logger, store: db.store, redis, changeFeed, authenticator, tls: { ...(options.tls ?? { cert: Buffer.alloc(0), key: Buffer.alloc(0) }), selfSigned: true } });
  const app = await NestFactory.create<NestFastifyApplication>(module, createHttpAdapter(config), { logger: ['error', 'warn'] });
  app.setGlobalPrefix('api');
  await configureHttp(app);
  // Test files share one Redis: each gets its own BullMQ prefix so no job meets another file's rows.
  const deliveryQueue = new DeliveryQueue(redis, { prefix: `test-${db.name}` });
  app.get(AdminMailService).useQueue(deliveryQueue);
  await app.listen(config.http.port, config.http.host);
  return {
    db,
    app,
    redis,
    changeFeed,
    deliveryQueue,
    config,
    base: `http://127.0.0.1:${config.http.port}`,
    async stop() {
      // Closing the app closes the store, Redis, the change feed (SharedServicesLifecycle) and the queue.
      await deliveryQueue.queue.obliterate({ force: true }).catch(() => undefined);
      await app.close();
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
    // Every JSON answer a test sees must be what the OpenAPI document (/api/docs) promises.
    await checkDocumentedResponse(method, res.url || this.base + path, res);
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
