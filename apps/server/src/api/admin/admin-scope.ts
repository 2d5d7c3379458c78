import type { FastifyReply, FastifyRequest } from 'fastify';
import { listQuery } from '@mailstead/contracts';
import type { AdminPage, Store } from '@mailstead/store';
import { scopeOf, type AdminScope } from '../../services/admin-scope';
import { badRequest, parseInput } from '../api-error';
import type { AuthContext } from '../auth.guard';

/** The caller's admin scope (services/admin-scope.ts), with the request's address for the audit log. */
export function adminScope(store: Store, auth: AuthContext, request?: FastifyRequest): Promise<AdminScope> {
  return scopeOf(store, auth.account, request?.ip);
}

function json(value: string | undefined, field: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw badRequest('invalid request', { [field]: ['must be JSON'] });
  }
}

export interface ParsedListQuery extends Omit<AdminPage, 'domainIds'> {
  filter: Record<string, unknown>;
}

/**
 * ra-data-simple-rest list parameters: sort=["field","ASC"], range=[first,last] (inclusive),
 * filter={"q":"text","id":[1,2]} (an id list is getMany).
 */
export function parseListQuery(query: unknown, defaultSort: string): ParsedListQuery {
  const q = parseInput(listQuery, query);
  const sort = json(q.sort, 'sort') ?? [defaultSort, 'ASC'];
  const range = json(q.range, 'range') ?? [0, 24];
  const filter = json(q.filter, 'filter') ?? {};
  if (!Array.isArray(sort) || typeof sort[0] !== 'string' || !['ASC', 'DESC'].includes(String(sort[1]).toUpperCase())) {
    throw badRequest('invalid request', { sort: ['must be ["field","ASC"|"DESC"]'] });
  }
  if (!Array.isArray(range) || range.length !== 2 || !range.every((n) => Number.isInteger(n) && n >= 0) || range[1] < range[0] || range[1] - range[0] >= 1000) {
    throw badRequest('invalid request', { range: ['must be [first,last] with at most 1000 rows'] });
  }
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw badRequest('invalid request', { filter: ['must be a JSON object'] });
  const f = filter as Record<string, unknown>;
  let ids: number[] | undefined;
  if (f.id !== undefined) {
    const list = Array.isArray(f.id) ? f.id : [f.id];
    if (!list.every((i) => Number.isInteger(Number(i)))) throw badRequest('invalid request', { filter: ['id must be ids'] });
    ids = list.map(Number);
  }
  return {
    sort: sort[0],
    order: String(sort[1]).toUpperCase() === 'DESC' ? 'desc' : 'asc',
    offset: range[0],
    limit: range[1] - range[0] + 1,
    q: typeof f.q === 'string' ? f.q : undefined,
    ids,
    filter: f,
  };
}

/** `Content-Range: users 0-24/319` (ra-data-simple-rest reads the total from it). */
export function contentRange(reply: FastifyReply, resource: string, offset: number, count: number, total: number): void {
  const last = count === 0 ? offset : offset + count - 1;
  void reply.header('content-range', `${resource} ${offset}-${last}/${total}`).header('access-control-expose-headers', 'Content-Range');
}
