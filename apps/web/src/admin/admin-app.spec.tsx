import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionInfo } from '@mailstead/contracts';
import { AdminGate } from './admin-app';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

// Cast: the session carries more fields as the API grows; these are the ones the console reads.
const session = (role: SessionInfo['account']['role'], adminDomains: string[] = []) =>
  ({
    account: { id: 7, address: `${role}@example.test`, displayName: null, role, quotaBytes: 0, usedBytes: 0, totpEnabled: false },
    csrfToken: 'csrf-123',
    adminDomains,
  }) as SessionInfo;

/** A fetch that answers the admin API from a table of `METHOD /path` -> [status, body, headers]. */
function fakeApi(routes: Record<string, [number, unknown, Record<string, string>?]>) {
  return vi.fn(async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const key = `${init?.method ?? 'GET'} ${url.pathname}`;
    const [status, body, headers] = routes[key] ?? [404, { error: { status: 404, code: 'not_found', message: `Cannot ${init?.method ?? 'GET'} ${url.pathname}` } }];
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  });
}

describe('admin gate', { timeout: 60_000 }, () => {
  it('sends a visitor without a session to the webmail login, coming back to /admin', async () => {
    const navigateAway = vi.fn();
    render(<AdminGate loadSession={async () => null} navigateAway={navigateAway} />);
    await waitFor(() => expect(navigateAway).toHaveBeenCalledWith('/mail/login?next=/admin'));
  });

  it('tells a plain user they cannot enter, with a link back to the webmail', async () => {
    render(<AdminGate loadSession={async () => session('user')} navigateAway={vi.fn()} />);
    expect(await screen.findByText(/not an administrator account/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Back to the webmail' }).getAttribute('href')).toBe('/mail');
  });

  it('lets an admin in: the dashboard counts come from the API (list totals when there is no stats endpoint)', async () => {
    window.history.pushState({}, '', '/admin');
    const fetch = fakeApi({
      'GET /api/auth/me': [200, session('admin', ['example.test'])],
      'GET /api/admin/domains': [200, [], { 'content-range': 'domains 0-0/3' }],
      'GET /api/admin/users': [200, [], { 'content-range': 'users 0-0/42' }],
      'GET /api/admin/queue': [200, [], { 'content-range': 'queue 0-0/5' }],
    });
    vi.stubGlobal('fetch', fetch);
    render(<AdminGate navigateAway={vi.fn()} />);
    await waitFor(() => expect(screen.getByTestId('count-domains').textContent).toBe('3'), { timeout: 8000 });
    expect(screen.getByTestId('count-users').textContent).toBe('42');
    expect(screen.getByText('Traffic statistics are not available from this server yet.')).toBeTruthy();
    // The session cookie goes along, and the list request uses simple-rest's query.
    const users = fetch.mock.calls.find(([u]) => String(u).startsWith('/api/admin/users'))!;
    expect(users[1]).toMatchObject({ credentials: 'include' });
    expect(decodeURIComponent(String(users[0]))).toContain('range=[0,0]');
  });

  it('lets a domain admin in and shows which domains they manage', async () => {
    window.history.pushState({}, '', '/admin');
    vi.stubGlobal(
      'fetch',
      fakeApi({
        'GET /api/auth/me': [200, session('domain_admin', ['one.test'])],
        'GET /api/admin/domains': [200, [], { 'content-range': 'domains 0-0/1' }],
        'GET /api/admin/users': [200, [], { 'content-range': 'users 0-0/2' }],
        'GET /api/admin/queue': [200, [], { 'content-range': 'queue 0-0/0' }],
      }),
    );
    render(<AdminGate navigateAway={vi.fn()} />);
    expect(await screen.findByText('Domain admin: one.test', {}, { timeout: 8000 })).toBeTruthy();
  });
});
