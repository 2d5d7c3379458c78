import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { LoginPage } from './login-page';
import { safeNext, SessionProvider } from './session';
import { fakeFetch, renderWithTheme } from './test-utils';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const session = { account: { id: 1, address: 'admin@example.test', displayName: null, role: 'admin', quotaBytes: 0, usedBytes: 0 }, csrfToken: 'c', adminDomains: [] };

describe('safeNext', () => {
  it('keeps same-origin paths and refuses everything else', () => {
    expect(safeNext('/admin')).toBe('/admin');
    expect(safeNext('/mail/folder/3?q=x')).toBe('/mail/folder/3?q=x');
    for (const bad of ['//evil.test', 'https://evil.test', '/\\evil.test', 'javascript:alert(1)', '', null]) expect(safeNext(bad)).toBe('/mail');
  });
});

describe('LoginPage', () => {
  function renderLogin(next: string | null, onLoggedIn = vi.fn()) {
    renderWithTheme(
      <SessionProvider initial={{ status: 'anonymous', expired: false }}>
        <LoginPage next={next} onLoggedIn={onLoggedIn} />
      </SessionProvider>,
    );
    fireEvent.change(screen.getByLabelText(/Address/), { target: { value: 'admin@example.test' } });
    fireEvent.change(screen.getByLabelText(/Password/), { target: { value: 'secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    return onLoggedIn;
  }

  it('logs in and goes to ?next= (the admin console sends its visitors here)', async () => {
    const api = fakeFetch({ 'POST /api/auth/login': () => session });
    vi.stubGlobal('fetch', api.fn);
    const onLoggedIn = renderLogin('/admin');
    await waitFor(() => expect(onLoggedIn).toHaveBeenCalledWith('/admin'));
    expect(api.calls[0]!.body).toEqual({ address: 'admin@example.test', password: 'secret' });
  });

  it('never follows a next= to another site', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'POST /api/auth/login': () => session }).fn);
    const onLoggedIn = renderLogin('//evil.test/phish');
    await waitFor(() => expect(onLoggedIn).toHaveBeenCalledWith('/mail'));
  });

  it('says so when the password is wrong', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { status: 401, code: 'unauthorized', message: 'wrong address or password' } }), { status: 401 }));
    const onLoggedIn = renderLogin(null);
    expect((await screen.findByText('Wrong address or password.')).textContent).toBeTruthy();
    expect(onLoggedIn).not.toHaveBeenCalled();
  });
});
