import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { metrics } from '@mailstead/metrics';
import { LOGGER } from '../app/tokens';
import type { Logger } from '../runtime/logger';
import { buildOpenApiDocument } from './openapi';

/** Largest attachment accepted by POST /api/uploads. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/**
 * Fastify plugins and the OpenAPI pages of the HTTP API; runtime/server.ts calls this before
 * listening. Request ids: X-Request-Id from a proxy when it looks sane, else a new UUID, echoed
 * back on every answer and carried by error bodies and the request log line.
 */
export async function configureHttp(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 } });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    const given = request.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    (request as { id: string }).id = id;
    void reply.header('x-request-id', id);
  });
  // One log line per API request, with the correlation id; the path only (queries may hold search terms).
  const log = app.get<symbol, Logger>(LOGGER);
  fastify.addHook('onResponse', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    // The route template (/api/messages/:id), never the path: ids and queries stay out of the labels.
    metrics.httpSeconds.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    log.info(
      { reqId: request.id, method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime), account: request.auth?.account.address },
      'http request',
    );
  });
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument() as unknown as OpenAPIObject, { jsonDocumentUrl: 'api/docs/json', yamlDocumentUrl: 'api/docs/yaml' });
}
