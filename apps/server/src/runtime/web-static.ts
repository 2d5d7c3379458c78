import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * What this process serves as the webmail and console: the built directory, and a problem a
 * person should read (no build at all, or a build that failed and left the previous one).
 */
export interface WebApp {
  dir?: string;
  problem?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by serveWebApp; /api/health reports it. */
    webApp?: WebApp;
  }
}

/**
 * Path prefixes that are never the webmail: the API, well-known URIs (RFC 8615) and Outlook's
 * Autodiscover. An unknown path under them answers 404, not the webmail page, so a client
 * probing for autoconfig or an API route gets a real "not here".
 */
const NON_WEBMAIL_PREFIXES = ['/api', '/.well-known', '/autodiscover'];

/** Where `vite build` puts the web app (apps/web/vite.config.ts), found from the source tree or the bundle. */
export function webDistDir(): string | undefined {
  for (let dir = import.meta.dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist', 'apps', 'web');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

/** The web app as it is on disk, without building anything (the servers tests start build it themselves). */
export function builtWebApp(): WebApp {
  const dir = webDistDir();
  return dir ? { dir } : { problem: 'the web app is not built (no dist/apps/web/index.html)' };
}

/**
 * Serves the built webmail and admin console: hashed assets with long caching, and index.html
 * for every other non-API GET (client-side routes such as /mail/inbox or /admin/users).
 * Answers whether it serves one.
 */
export async function serveWebApp(app: NestFastifyApplication, webApp: WebApp = builtWebApp()): Promise<boolean> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorate('webApp', webApp);
  const dir = webApp.dir;
  if (!dir) return false;
  await fastify.register(fastifyStatic, {
    root: dir,
    wildcard: false,
    index: false,
    setHeaders: (res, file) => {
      if (file.includes(`${path.sep}assets${path.sep}`)) void res.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const indexHtml = fs.readFileSync(path.join(dir, 'index.html'));
  // Remote https images are allowed by the page policy only because sandboxed srcdoc frames
  // inherit it; the webmail reader shows them only after the user asks (and strips them by default).
  // A catch-all GET route rather than a not-found handler: Nest owns the latter. Fastify
  // matches the API's own routes (and the static files above) before this wildcard.
  fastify.get('/*', (request, reply) => {
    const urlPath = request.url.split('?')[0]!;
    const lower = urlPath.toLowerCase();
    if (NON_WEBMAIL_PREFIXES.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`))) {
      return reply.code(404).type('application/json').send({ statusCode: 404, error: 'Not Found', message: `Cannot GET ${urlPath}` });
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self' 'unsafe-inline'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
      .header('x-content-type-options', 'nosniff')
      .send(indexHtml);
  });
  return true;
}
