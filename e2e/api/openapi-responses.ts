import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import { buildOpenApiDocument } from '../../apps/server/src/api/openapi';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

const document = buildOpenApiDocument() as { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };
// The document is OpenAPI 3.1, whose schemas are JSON Schema 2020-12.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** The documented routes as path patterns, literal segments before {params} (queue/paused before queue/{id}). */
const routes = Object.entries(document.paths)
  .map(([template, operations]) => ({
    template,
    operations,
    params: (template.match(/\{/g) ?? []).length,
    pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
  }))
  .sort((a, b) => a.params - b.params);

function validator(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    // Refs such as #/components/schemas/ApiError point into the document: compile with its components.
    validate = ajv.compile({ ...schema, components: document.components });
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Throws unless a JSON answer of the API matches the OpenAPI document's schema for its route and
 * status (or the document's `default` error answer). Answers of undocumented paths are left to
 * routes-documented.spec.ts; answers that are not JSON are not checked here.
 */
export async function checkDocumentedResponse(method: string, url: string, res: Response): Promise<void> {
  // Only JSON is read (a clone): an event stream would never end.
  if (!res.headers.get('content-type')?.startsWith('application/json')) return;
  const body = await res.clone().text();
  const status = res.status;
  const path = new URL(url).pathname;
  const route = routes.find((r) => r.pattern.test(path) && r.operations[method.toLowerCase()]);
  if (!route) return;
  const operation = route.operations[method.toLowerCase()]!;
  const where = `${method} ${route.template} answered ${status}`;
  const response = operation.responses[String(status)] ?? (status >= 400 ? operation.responses.default : undefined);
  if (!response) throw new Error(`${where}, a status the OpenAPI document does not list for it (${Object.keys(operation.responses).join(', ')})`);
  const schema = response.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${where} with JSON; the OpenAPI document says ${Object.keys(response.content ?? {}).join(', ') || 'no content'}`);
  const validate = validator(schema);
  if (!validate(JSON.parse(body))) throw new Error(`${where} with a body that does not match its OpenAPI schema: ${ajv.errorsText(validate.errors)}\n${body.slice(0, 2000)}`);
}
