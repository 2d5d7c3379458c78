import { z } from 'zod';
import { apiError, apiRoutes, type ApiRoute } from '@mailstead/contracts';

type JsonSchema = Record<string, unknown>;

const schemaOf = (type: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(type, { io, unrepresentable: 'any' }) as JsonSchema;
  return schema;
};

function queryParameters(route: ApiRoute): unknown[] {
  if (!route.query) return [];
  const schema = schemaOf(route.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s }));
}

/**
 * The OpenAPI 3.1 document, generated from the zod contracts in libs/contracts (the same
 * schemas the controllers validate with), so the published shapes cannot drift from the code.
 */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorResponse = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };
  for (const route of apiRoutes) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const success = route.produces
      ? { description: 'ok', content: { [route.produces]: { schema: { type: 'string', format: 'binary' } } } }
      : { description: 'ok', content: { 'application/json': { schema: route.response ? schemaOf(route.response, 'output') : {} } } };
    (paths[route.path] ??= {})[route.method] = {
      tags: [route.tag],
      summary: route.summary,
      ...(route.auth === false ? { security: [] } : {}),
      parameters: [...pathParams, ...queryParameters(route)],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } } } : {}),
      // `default`: every other status (409 conflict, 413, 429, 5xx) answers the same error shape.
      responses: { [String(route.status ?? 200)]: success, '400': errorResponse, '401': errorResponse, '403': errorResponse, '404': errorResponse, default: errorResponse },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mailstead API',
      version: '1',
      description:
        'Webmail and admin API. Log in with POST /api/auth/login; the session is an httpOnly cookie. Every POST/PUT/PATCH/DELETE needs the X-CSRF-Token header (the csrfToken of the login answer, also in the mailstead_csrf cookie).',
    },
    components: {
      schemas: { ApiError: schemaOf(apiError, 'output') },
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'mailstead_session' }, csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' } },
    },
    security: [{ session: [], csrf: [] }],
    paths,
  };
}
