import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { LoginPage } from './login-page';
import { SessionProvider } from './session';
import { fakeFetch, renderWithTheme, signedInSession } from './test-utils';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const session = signedInSession({ address: 'admin@example.test', role: 'admin' });

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

  describe('second factor (TOTP)', () => {
    const apiError = (status: number, code: string, message: string) => new Response(JSON.stringify({ error: { status, code, message } }), { status });

    /** The real API's rule: no code -> totp_required; the right code -> a session; anything else -> totp_invalid. */
    function totpServer(goodCode: string) {
      const bodies: unknown[] = [];
      const fn = async (_input: RequestInfo | URL, init: RequestInit = {}) => {
        const body = JSON.parse(String(init.body)) as { totp?: string };
        bodies.push(body);
        if (body.totp === undefined) return apiError(401, 'totp_required', 'this account needs a one-time code (field "totp")');
        if (body.totp !== goodCode) return apiError(401, 'totp_invalid', 'wrong or already used one-time code');
        return new Response(JSON.stringify({ ...session, account: { ...session.account, totpEnabled: true } }), { status: 200 });
      };
      return { fn: fn as typeof fetch, bodies };
    }

    it('asks for the code when the API says one is needed, then sends address, password and code together', async () => {
      const server = totpServer('123456');
      vi.stubGlobal('fetch', server.fn);
      const onLoggedIn = renderLogin('/mail/settings');
      const codeField = await screen.findByLabelText(/One-time code/);
      expect(onLoggedIn).not.toHaveBeenCalled();
      expect(screen.queryByLabelText(/Password/)).toBeNull();
      fireEvent.change(codeField, { target: { value: ' 123456 ' } });
      fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
      await waitFor(() => expect(onLoggedIn).toHaveBeenCalledWith('/mail/settings'));
      expect(server.bodies).toEqual([
        { address: 'admin@example.test', password: 'secret' },
        { address: 'admin@example.test', password: 'secret', totp: '123456' },
      ]);
    });

    it('says so when the code is wrong and lets the user try again or go back', async () => {
      const server = totpServer('123456');
      vi.stubGlobal('fetch', server.fn);
      const onLoggedIn = renderLogin(null);
      fireEvent.change(await screen.findByLabelText(/One-time code/), { target: { value: '000000' } });
      fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
      expect((await screen.findByText(/Wrong or already used code/)).textContent).toBeTruthy();
      expect(onLoggedIn).not.toHaveBeenCalled();
      // Still on the code step, with an empty field for the next try.
      expect((screen.getByLabelText(/One-time code/) as HTMLInputElement).value).toBe('');
      fireEvent.click(screen.getByRole('button', { name: 'Use another account' }));
      expect(screen.getByLabelText(/Address/)).toBeTruthy();
    });
  });
});
