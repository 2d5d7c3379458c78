import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { api, ApiRequestError } from './api-client';
import { SessionProvider, useSession } from './session';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Status() {
  const { state } = useSession();
  return <p>{state.status === 'authenticated' ? `in as ${state.info.account.address}` : state.status === 'anonymous' ? `out${state.expired ? ' (expired)' : ''}` : 'loading'}</p>;
}

const me = { account: { id: 1, address: 'alice@example.test', displayName: null, role: 'user', quotaBytes: 0, usedBytes: 0 }, csrfToken: 'csrf-from-me', adminDomains: [] };

describe('SessionProvider', () => {
  it('starts from /api/auth/me, sends its CSRF token, and ends the session on the first 401', async () => {
    const calls: { path: string; csrf: string | undefined }[] = [];
    let expired = false;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const path = String(input);
      calls.push({ path, csrf: (init.headers as Record<string, string>)['x-csrf-token'] });
      if (path === '/api/auth/me') return new Response(JSON.stringify(me), { status: 200 });
      if (expired) return new Response(JSON.stringify({ error: { status: 401, code: 'unauthorized', message: 'not logged in' } }), { status: 401 });
      return new Response(JSON.stringify({ count: 1 }), { status: 200 });
    });
    render(
      <SessionProvider>
        <Status />
      </SessionProvider>,
    );
    await screen.findByText('in as alice@example.test');
    await api('POST', '/api/messages/flags', { body: { ids: ['1'], add: ['\\Seen'] } });
    expect(calls.at(-1)).toEqual({ path: '/api/messages/flags', csrf: 'csrf-from-me' });

    expired = true;
    await act(async () => {
      await expect(api('GET', '/api/mailboxes')).rejects.toBeInstanceOf(ApiRequestError);
    });
    await waitFor(() => expect(screen.getByText('out (expired)')).toBeTruthy());
  });

  it('is anonymous, not expired, when there was no session to begin with', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { status: 401, code: 'unauthorized', message: 'not logged in' } }), { status: 401 }));
    render(
      <SessionProvider>
        <Status />
      </SessionProvider>,
    );
    await screen.findByText('out');
  });
});
