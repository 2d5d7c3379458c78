import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Authenticator, LoginThrottle, VerifiedCredentialCache } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import { ChangeFeed, Store, runMigrations } from '@mailstead/store';
import { configureHttp } from '../api/http-setup';
import { AppModule } from '../app/app.module';
import { startServices } from './embedded-stack';
import { ensureFirstAdmin } from './first-admin';
import type { Logger } from './logger';
import { createHttpAdapter } from './http-adapter';
import { loadTls } from './tls';
import { builtWebApp, serveWebApp, type WebApp } from './web-static';
import { registerClientSetupRoutes } from '../api/client-setup.routes';
import { startMetricsListener } from './metrics-listener';
import { ClientSetupService } from '../services/client-setup.service';

export interface RunningServer {
  app: INestApplicationContext;
  databaseUrl: string;
  redisUrl: string;
  /** The first admin's login when this run created it (printed once by main). */
  firstAdmin?: { address: string; password: string; generated: boolean };
  /** The webmail and console this process serves over HTTP (none without the api role). */
  webApp?: WebApp;
  stop(): Promise<void>;
  /** Kills embedded Postgres/Redis immediately (a second Ctrl-C). */
  killNow(): void;
}

export interface StartOptions {
  /** The web app to serve, e.g. one being built meanwhile (main's prepareWebApp); default: dist/apps/web as it is. */
  webApp?: Promise<WebApp>;
}

/** Longest wait for one shutdown step (closing the app, stopping an embedded server). */
const SHUTDOWN_STEP_MS = 8_000;

/** Brings up Postgres/Redis (embedded unless configured), migrations, TLS, the first admin and every role. */
export async function startServer(config: MailsteadConfig, log: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const started = performance.now();
  const services = await startServices(config, log);
  const cleanups: (() => Promise<void>)[] = [() => services.stop()];
  // Every step is bounded: with Postgres or Redis gone (or hung), a close that waits for them
  // must not hold up the others, nor the exit.
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          log.warn({ ms: SHUTDOWN_STEP_MS }, 'a shutdown step took too long; going on without it');
          resolve();
        }, SHUTDOWN_STEP_MS);
      });
      await Promise.race([fn().catch((error: unknown) => log.error({ err: error }, 'error while stopping')), timedOut]);
      clearTimeout(timer);
    }
  };
  try {
    const { applied } = await runMigrations(services.databaseUrl);
    if (applied.length > 0) log.info({ applied }, 'applied database migrations');

    const store = await Store.connect(services.databaseUrl, { poolSize: config.database.poolSize });
    cleanups.push(() => store.close());
    const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
    await redis.connect();
    cleanups.push(async () => redis.disconnect());
    const changeFeed = new ChangeFeed(services.databaseUrl);
    await changeFeed.start();
    cleanups.push(() => changeFeed.close());
    const tls = await loadTls(config, log);
    const firstAdmin = await ensureFirstAdmin(store, config);
    const authenticator = new Authenticator(store, new LoginThrottle(redis, config.auth), new VerifiedCredentialCache(config.auth.verifiedCacheSeconds * 1000));

    const module = AppModule.forRoot({ config, logger: log, store, redis, changeFeed, authenticator, tls });
    let app: INestApplicationContext;
    let webApp: WebApp | undefined;
    if (config.roles.includes('api')) {
      const http = await NestFactory.create<NestFastifyApplication>(module, createHttpAdapter(config), { logger: ['error', 'warn'] });
      http.setGlobalPrefix('api');
      await configureHttp(http);
      await registerClientSetupRoutes(http, new ClientSetupService(store, config), config.publicUrl);
      webApp = await (options.webApp ?? builtWebApp());
      await serveWebApp(http, webApp);
      http.enableShutdownHooks([]);
      await http.listen(config.http.port, config.http.host);
      app = http;
    } else {
      app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'] });
      await app.init();
    }
    // Nest closes store, redis and the change feed itself (SharedServicesLifecycle).
    cleanups.splice(1);
    cleanups.push(() => app.close());
    if (config.metrics.port > 0) {
      const metrics = await startMetricsListener(config.metrics, store);
      cleanups.push(() => metrics.close());
    }
    log.info({ roles: config.roles, ms: Math.round(performance.now() - started) }, 'mailstead is up');
    return { app, databaseUrl: services.databaseUrl, redisUrl: services.redisUrl, firstAdmin, webApp, stop: cleanup, killNow: services.killNow };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
