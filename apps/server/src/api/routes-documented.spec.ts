import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
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

/**
 * Every route the API controllers serve, as "method /api/path/{param}", read from the Nest
 * decorators, with the status a success answers (@HttpCode, else Nest's 201 for POST, 200 otherwise).
 */
function servedRoutesWithStatus(): { route: string; status: number }[] {
  const controllers = (Reflect.getMetadata('controllers', ApiRoleModule) ?? []) as (new (...args: never[]) => object)[];
  const out: { route: string; status: number }[] = [];
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
      const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === RequestMethod.POST ? 201 : 200);
      out.push({ route: `${METHODS[method] ?? `method-${method}`} /${full.replace(/:(\w+)/g, '{$1}')}`, status });
    }
  }
  return out.sort((a, b) => a.route.localeCompare(b.route));
}

const servedRoutes = () => servedRoutesWithStatus().map((r) => r.route);

describe('OpenAPI coverage', () => {
  it('documents every route the API serves, and nothing it does not', () => {
    const served = servedRoutes();
    expect(served.length).toBeGreaterThan(40);
    const documented = apiRoutes.map((r) => `${r.method} ${r.path}`).sort();
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });

  it('documents the status each route answers on success', () => {
    const documented = new Map(apiRoutes.map((r) => [`${r.method} ${r.path}`, r.status ?? 200]));
    const wrong = servedRoutesWithStatus()
      .filter((r) => documented.has(r.route) && documented.get(r.route) !== r.status)
      .map((r) => `${r.route}: serves ${r.status}, documented ${documented.get(r.route)}`);
    expect(wrong).toEqual([]);
  });
});
