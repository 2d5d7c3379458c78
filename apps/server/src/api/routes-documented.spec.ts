import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { apiRoutes } from '@mailstead/contracts';
import { describe, expect, it } from 'vitest';
import { ApiRoleModule } from '../app/roles/api.role-module';

const METHODS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

/** Every route the API controllers serve, as "method /api/path/{param}", read from the Nest decorators. */
function servedRoutes(): string[] {
  const controllers = (Reflect.getMetadata('controllers', ApiRoleModule) ?? []) as (new (...args: never[]) => object)[];
  const out: string[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata('path', controller) ?? '');
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
      const path = Reflect.getMetadata('path', handler) as string | undefined;
      if (method === undefined || path === undefined) continue;
      const full = ['api', base, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
      out.push(`${METHODS[method] ?? `method-${method}`} /${full.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return out.sort();
}

describe('OpenAPI coverage', () => {
  it('documents every route the API serves, and nothing it does not', () => {
    const served = servedRoutes();
    expect(served.length).toBeGreaterThan(40);
    const documented = apiRoutes.map((r) => `${r.method} ${r.path}`).sort();
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });
});
