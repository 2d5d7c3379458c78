/**
 * API latency with a large mailbox (issue 8 benchmark): p50/p95 of the first message-list
 * page, of a full-text search and of opening a large message, over real HTTP against the
 * API role on an embedded Postgres + Redis. Targets: list < 100 ms, search < 300 ms p95.
 *
 *   tsx e2e/bench/api.bench.ts            (100,000 messages; BENCH_API_MESSAGES=20000 for a quick run)
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { Authenticator, hashPassword, LoginThrottle } from '@mailstead/auth';
import { parseConfig } from '@mailstead/config';
import { ChangeFeed, EmbeddedPostgres, EmbeddedRedis, Store, runMigrations } from '@mailstead/store';
import { freePort } from '../../libs/testing/src/ports';
import { configureHttp } from '../../apps/server/src/api/http-setup';
import { AppModule } from '../../apps/server/src/app/app.module';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { appendResults } from './lib/results';
import { percentile, round } from './lib/stats';

const COUNT = Number(process.env['BENCH_API_MESSAGES'] ?? 100_000);
const ROUNDS = 50;
const WORDS = ['invoice', 'meeting', 'holiday', 'report', 'budget', 'lunch', 'contract', 'release', 'picnic', 'server', 'printer', 'garden'];

function message(n: number): Buffer {
  const w = (k: number) => WORDS[(n * 7 + k * 13) % WORDS.length];
  return Buffer.from(
    [
      `From: Sender ${n % 500} <sender${n % 500}@bench.test>`,
      'To: reader@bench.test',
      `Subject: ${w(1)} ${w(2)} number ${n}`,
      `Date: ${new Date(Date.UTC(2025, 0, 1) + n * 60_000).toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <api-bench-${n}@bench.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      `Hello, about the ${w(3)} and the ${w(4)}: token${n % 1000} appears here. ${'Lorem ipsum dolor sit amet. '.repeat(20)}`,
      '',
    ].join('\r\n'),
  );
}

/** Large HTML messages opened once each: the first open of a message (nothing cached). */
const COLD_OPENS = 10;

function largeMessage(n = 0): Buffer {
  const html = `<html><body>${'<p>Quarterly <b>numbers</b> with <a href="https://example.test/">links</a> and <img src="https://tracker.test/p.gif"></p>\n'.repeat(4_000)}</body></html>`;
  return Buffer.from(
    ['From: Big <big@bench.test>', 'To: reader@bench.test', 'Subject: A large HTML message', `Message-ID: <api-bench-large-${n}@bench.test>`, 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', html, ''].join('\r\n'),
  );
}

async function timed(url: string, cookie: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return performance.now() - started;
}

async function measure(url: string, cookie: string): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i++) await timed(url, cookie);
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) samples.push(await timed(url, cookie));
  samples.sort((a, b) => a - b);
  return { p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)) };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-api-bench-'));
  const pg = new EmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), durable: false });
  const redisServer = new EmbeddedRedis({ dir: path.join(dir, 'redis'), port: await freePort() });
  await Promise.all([pg.start(), redisServer.start()]);
  // Ctrl-C or a timeout must not leave the embedded servers behind.
  process.once('SIGTERM', () => {
    pg.killNow();
    redisServer.killNow();
    process.exit(1);
  });
  process.once('SIGINT', () => {
    pg.killNow();
    redisServer.killNow();
    process.exit(130);
  });
  let app: NestFastifyApplication | undefined;
  try {
    await pg.ensureDatabase('bench');
    const url = pg.url('bench');
    await runMigrations(url);
    const store = await Store.connect(url);
    await store.domains.create('bench.test');
    const account = await store.accounts.create({ address: 'reader@bench.test', passwordHash: await hashPassword('bench-password') });
    const inbox = (await store.mailboxes.findByName(account.id, 'INBOX'))!;
    const started = performance.now();
    for (let first = 0; first < COUNT; first += 1000) {
      const batch = Array.from({ length: Math.min(1000, COUNT - first) }, (_, i) => ({ raw: message(first + i), internalDate: new Date(Date.UTC(2025, 0, 1) + (first + i) * 60_000) }));
      await store.messages.append(inbox.id, batch);
    }
    const larges = await store.messages.append(inbox.id, Array.from({ length: COLD_OPENS }, (_, n) => ({ raw: largeMessage(n) })));
    const large = larges[0];
    const loadSeconds = round((performance.now() - started) / 1000);
    console.log(`loaded ${COUNT} messages in ${loadSeconds} s`);
    // Delivery leaves the full-text index to the worker role (not started here); index now, as the
    // worker would have within seconds of delivery, so the search figures measure searching.
    const indexStarted = performance.now();
    await store.searchIndex.fillScope({ accountId: account.id });
    console.log(`indexed them in ${round((performance.now() - indexStarted) / 1000)} s`);

    const config = parseConfig({ DATABASE_URL: url, REDIS_URL: redisServer.url, MAILSTEAD_ROLES: 'api', MAILSTEAD_HTTP_PORT: String(await freePort()), MAILSTEAD_LOG_LEVEL: 'warn' });
    const redis = new Redis(redisServer.url);
    const changeFeed = new ChangeFeed(url);
    await changeFeed.start();
    const logger = createLogger(config);
    const authenticator = new Authenticator(store, new LoginThrottle(redis, config.auth));
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ config, logger, store, redis, changeFeed, authenticator, tls: { cert: Buffer.alloc(0), key: Buffer.alloc(0), selfSigned: true } }),
      new FastifyAdapter(),
      { logger: ['error', 'warn'] },
    );
    app.setGlobalPrefix('api');
    await configureHttp(app);
    await app.listen(config.http.port, '127.0.0.1');
    const base = `http://127.0.0.1:${config.http.port}`;
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: 'reader@bench.test', password: 'bench-password' }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

    const list = await measure(`${base}/api/mailboxes/${inbox.id}/messages?limit=50`, cookie);
    const search = await measure(`${base}/api/search?q=${encodeURIComponent('invoice token42')}&limit=50`, cookie);
    // First opens (DOMPurify under jsdom runs), then repeated opens of one (sanitized HTML cached).
    const cold: number[] = [];
    for (const m of larges) cold.push(await timed(`${base}/api/messages/${m.id}`, cookie));
    cold.sort((a, b) => a - b);
    const open = await measure(`${base}/api/messages/${large!.id}`, cookie);
    // The whole body on request (?full=true): every one of them sanitized in full, once.
    const full: number[] = [];
    for (const m of larges) full.push(await timed(`${base}/api/messages/${m.id}?full=true`, cookie));
    full.sort((a, b) => a - b);
    const rows = [
      `| first message-list page (50 of ${COUNT + 1}) | ${list.p50} | ${list.p95} | < 100 ms |`,
      `| full-text search "invoice token42" | ${search.p50} | ${search.p95} | < 300 ms |`,
      `| first open of a ${Math.round(largeMessage().length / 1024)} KB HTML message (parse + sanitize the first 100,000 chars, htmlClipped; ${COLD_OPENS} messages) | ${round(percentile(cold, 50))} | ${round(percentile(cold, 95))} | |`,
      `| reopen the same message (sanitized HTML cached) | ${open.p50} | ${open.p95} | |`,
      `| first open of the whole message (?full=true, sanitize all ${Math.round(largeMessage().length / 1024)} KB; ${COLD_OPENS} messages) | ${round(percentile(full, 50))} | ${round(percentile(full, 95))} | |`,
    ];
    console.log(rows.join('\n'));
    appendResults(`API (${COUNT} messages, loaded in ${loadSeconds} s)`, `BENCH_API_MESSAGES=${COUNT} tsx e2e/bench/api.bench.ts`, rows, '| request (ms, over HTTP, sequential) | p50 | p95 | target |');
  } finally {
    await app?.close();
    await Promise.allSettled([pg.stop(), redisServer.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
