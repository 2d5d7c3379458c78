import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpError } from 'react-admin';
import { createDataProvider, toCreateBody, toUpdateBody } from './data-provider';
import { isMissingEndpoint, setCsrfToken, toHttpError } from './http-client';

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

describe('request bodies', { timeout: 60_000 }, () => {
  it('sends only the changed, writable fields on update', () => {
    const previous = { id: 3, address: 'a@example.test', role: 'user', enabled: true, quotaBytes: 10, usedBytes: 5, displayName: null };
    expect(toUpdateBody('users', { ...previous, enabled: false, usedBytes: 99 }, previous)).toEqual({ enabled: false });
    expect(toUpdateBody('users', { ...previous, password: '' }, previous)).toEqual({});
    expect(toUpdateBody('users', { ...previous, displayName: '' }, { ...previous, displayName: 'Al' })).toEqual({ displayName: null });
  });

  it('turns list members into plain addresses', () => {
    const members = [{ address: 'x@example.test', name: null }];
    expect(toUpdateBody('lists', { members: [...members, 'y@example.test'] }, { members })).toEqual({ members: ['x@example.test', 'y@example.test'] });
    expect(toCreateBody('lists', { address: 'l@example.test', name: 'L', members: ['a@example.test'], id: 9, createdAt: 'x' })).toEqual({ address: 'l@example.test', name: 'L', members: ['a@example.test'] });
  });
});

describe('errors', { timeout: 60_000 }, () => {
  it('maps the API field errors to react-admin form errors, and shows the field sentences as they are', () => {
    const fields = { quotaBytes: ['Quota is too large'], 'destinations.1': ['"nope" is not a valid email address'] };
    const error = toHttpError(400, 'Bad Request', JSON.stringify({ error: { status: 400, code: 'validation', message: 'invalid request', fields } }));
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(400);
    // the notification shows the sentences, not "invalid request" or the field names
    expect(error.message).toBe('Quota is too large; "nope" is not a valid email address');
    expect(error.body.errors).toEqual({ quotaBytes: 'Quota is too large', 'destinations.1': '"nope" is not a valid email address', root: { serverError: error.message } });
    expect(toHttpError(409, 'Conflict', JSON.stringify({ error: { status: 409, code: 'conflict', message: 'That address already exists' } })).message).toBe('That address already exists');
  });

  it('tells a missing endpoint from a missing record', () => {
    expect(isMissingEndpoint(toHttpError(404, '', JSON.stringify({ error: { status: 404, code: 'not_found', message: 'Cannot GET /api/admin/stats' } })))).toBe(true);
    expect(isMissingEndpoint(toHttpError(404, '', JSON.stringify({ error: { status: 404, code: 'not_found', message: 'user not found' } })))).toBe(false);
    expect(isMissingEndpoint(toHttpError(500, '', 'oops'))).toBe(false);
  });
});

describe('data provider', { timeout: 60_000 }, () => {
  it('lists with sort/range/filter and reads the total from Content-Range', async () => {
    const fetch = vi.fn(async () => new Response('[{"id":1}]', { status: 200, headers: { 'content-range': 'users 0-0/319' } }));
    vi.stubGlobal('fetch', fetch);
    const dp = createDataProvider();
    const result = await dp.getList('users', { pagination: { page: 2, perPage: 25 }, sort: { field: 'address', order: 'ASC' }, filter: { q: 'ali' } });
    expect(result.total).toBe(319);
    const url = decodeURIComponent(String((fetch.mock.calls[0] as unknown[])[0]));
    expect(url).toContain('/api/admin/users?');
    expect(url).toContain('range=[25,49]');
    expect(url).toContain('sort=["address","ASC"]');
    expect(url).toContain('filter={"q":"ali"}');
  });

  it('sends the CSRF token on state-changing requests, not on reads', async () => {
    const fetch = vi.fn(async () => new Response('{"id":"5"}', { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    setCsrfToken('tok-1');
    const dp = createDataProvider();
    await dp.queueAction('5', 'retry');
    await dp.getOne('queue', { id: '5' });
    const [retryUrl, retryInit] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(retryUrl).toBe('/api/admin/queue/5/retry');
    expect(retryInit.method).toBe('POST');
    expect(new Headers(retryInit.headers).get('x-csrf-token')).toBe('tok-1');
    const [, readInit] = fetch.mock.calls[1] as unknown as [string, RequestInit];
    expect(new Headers(readInit.headers).get('x-csrf-token')).toBeNull();
    await dp.resetMemberBounces(7, 'dead@remote.test');
    const [resetUrl, resetInit] = fetch.mock.calls[2] as unknown as [string, RequestInit];
    expect(resetUrl).toBe('/api/admin/lists/7/members/dead%40remote.test/reset-bounces');
    expect(resetInit.method).toBe('POST');
    expect(new Headers(resetInit.headers).get('x-csrf-token')).toBe('tok-1');
  });
});
