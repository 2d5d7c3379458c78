import { render } from '@testing-library/react';
import { vi } from 'vitest';
import { HttpError, type AuthProvider, type GetListParams, type RaRecord } from 'react-admin';
import type { AdminDataProvider } from './api/data-provider';
import type { AdminPermissions } from './api/auth-provider';
import { AdminConsole } from './admin-app';

type Rows = Record<string, RaRecord[]>;

/** What Nest answers for a route that does not exist. */
export const missingEndpoint = (path: string) => new HttpError(`Cannot GET ${path}`, 404, { code: 'not_found' });

/**
 * An in-memory AdminDataProvider for component tests: lists page, sort and filter by `q`
 * (substring of any string field) and other exact-match fields; every method is a spy.
 */
export function fakeDataProvider(rows: Rows, extra: Partial<AdminDataProvider> = {}) {
  const db: Rows = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.map((r) => ({ ...r }))]));
  let nextId = 1000;
  const list = (resource: string, params: Partial<GetListParams>) => {
    let data = [...(db[resource] ?? [])];
    for (const [key, value] of Object.entries(params.filter ?? {})) {
      if (key === 'q') data = data.filter((r) => Object.values(r).some((v) => typeof v === 'string' && v.includes(String(value))));
      else data = data.filter((r) => r[key] === value);
    }
    const { field, order } = params.sort ?? { field: 'id', order: 'ASC' };
    data.sort((a, b) => (a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0) * (order === 'ASC' ? 1 : -1));
    const { page, perPage } = params.pagination ?? { page: 1, perPage: 25 };
    return { data: data.slice((page - 1) * perPage, page * perPage), total: data.length };
  };
  const dp = {
    getList: vi.fn(async (resource: string, params: GetListParams) => list(resource, params)),
    getOne: vi.fn(async (resource: string, params: { id: unknown }) => {
      const row = db[resource]?.find((r) => String(r.id) === String(params.id));
      if (!row) throw new HttpError('not found', 404, { code: 'not_found' });
      return { data: row };
    }),
    getMany: vi.fn(async (resource: string, params: { ids: unknown[] }) => ({ data: (db[resource] ?? []).filter((r) => params.ids.map(String).includes(String(r.id))) })),
    getManyReference: vi.fn(async () => ({ data: [], total: 0 })),
    create: vi.fn(async (resource: string, params: { data: Record<string, unknown> }) => {
      const row = { id: (nextId += 1), createdAt: new Date().toISOString(), ...params.data } as RaRecord;
      (db[resource] ??= []).push(row);
      return { data: row };
    }),
    update: vi.fn(async (resource: string, params: { id: unknown; data: Record<string, unknown> }) => {
      const row = db[resource]!.find((r) => String(r.id) === String(params.id))!;
      const data = { ...params.data };
      if (resource === 'lists' && Array.isArray(data.members)) data.members = (data.members as unknown[]).map((m) => (typeof m === 'string' ? { address: m, name: null } : m));
      Object.assign(row, data);
      return { data: { ...row } };
    }),
    updateMany: vi.fn(async () => ({ data: [] })),
    delete: vi.fn(async (resource: string, params: { id: unknown }) => {
      const index = db[resource]!.findIndex((r) => String(r.id) === String(params.id));
      const [row] = db[resource]!.splice(index, 1);
      return { data: row! };
    }),
    deleteMany: vi.fn(async () => ({ data: [] })),
    stats: vi.fn(async () => {
      throw missingEndpoint('/api/admin/stats');
    }),
    queueAction: vi.fn(async (id: string) => ({ data: db.queue?.find((r) => r.id === id) }) as never),
    queueBulk: vi.fn(async () => ({ matched: 0, done: 0, failed: 0 })),
    pausedDomains: vi.fn(async () => [] as { domain: string; pausedAt: string; reason: string | null }[]),
    pauseDomain: vi.fn(async () => undefined),
    resumeDomain: vi.fn(async () => ({ enqueued: 0 })),
    moderationItem: vi.fn(async () => {
      throw missingEndpoint('/api/admin/lists/1/moderation/1');
    }),
    dns: vi.fn(async () => {
      throw missingEndpoint('/api/admin/domains/1/dns');
    }),
    rotateDkim: vi.fn(async () => ({ records: [] })),
    moderation: vi.fn(async () => {
      throw missingEndpoint('/api/admin/lists/1/moderation');
    }),
    moderate: vi.fn(async () => undefined),
    resetTwoFactor: vi.fn(async () => undefined),
    senderGrants: vi.fn(async (_userId: number | string): Promise<string[]> => []),
    grantSender: vi.fn(async (_userId: number | string, address: string): Promise<string[]> => [address]),
    revokeSender: vi.fn(async (_userId: number | string, _address: string): Promise<string[]> => []),
    resetMemberBounces: vi.fn(async (_listId: number | string, _address: string): Promise<void> => undefined),
  };
  Object.assign(dp, extra);
  return { dp, db };
}

export function fakeAuthProvider(permissions: AdminPermissions): AuthProvider {
  return {
    login: async () => undefined,
    logout: async () => false,
    checkAuth: async () => undefined,
    checkError: async () => undefined,
    getIdentity: async () => ({ id: 1, fullName: permissions.address }),
    getPermissions: async () => permissions,
  };
}

export const adminPermissions: AdminPermissions = { role: 'admin', domains: ['example.test', 'other.test'], address: 'admin@example.test' };

/** Renders the whole console at an /admin path with the given providers. */
export function renderConsole(path: string, dp: object, permissions: AdminPermissions = adminPermissions) {
  window.history.pushState({}, '', path);
  return render(<AdminConsole dataProvider={dp as AdminDataProvider} authProvider={fakeAuthProvider(permissions)} />);
}
