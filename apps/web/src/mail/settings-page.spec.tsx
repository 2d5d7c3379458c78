import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { SessionProvider } from '../shared/session';
import { fakeFetch, renderWithTheme, signedInSession } from '../shared/test-utils';
import { SettingsPage } from './settings-page';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const info = signedInSession();

describe('SettingsPage password change', () => {
  it('checks the new password against the shared policy (libs/contracts passwordProblem) before sending it', async () => {
    const api = fakeFetch({ 'GET /api/auth/app-passwords': () => [], 'POST /api/auth/password': () => ({}) });
    vi.stubGlobal('fetch', api.fn);
    renderWithTheme(
      <MemoryRouter>
        <SessionProvider initial={{ status: 'authenticated', info }}>
          <SettingsPage />
        </SessionProvider>
      </MemoryRouter>,
    );
    const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(new RegExp(`^${label}`), { selector: 'input' }), { target: { value } });
    // 7 emoji: 14 UTF-16 units, which a minLength attribute would let through, but 7 characters.
    fill('Current password', 'old-password');
    fill('New password', '🔑'.repeat(7));
    fill('Repeat new password', '🔑'.repeat(7));
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The new password must be at least 8 characters.')).toBeTruthy();
    expect(api.calls.some((c) => c.path === '/api/auth/password')).toBe(false);

    fill('New password', 'a long new password');
    fill('Repeat new password', 'a long new password');
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText(/Password changed/)).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/api/auth/password')?.body).toEqual({ currentPassword: 'old-password', newPassword: 'a long new password' });
  });

  it('shows the API\'s field message as it is when the current password is wrong', async () => {
    const wrong = { error: { status: 400, code: 'validation', message: 'The current password is wrong', fields: { currentPassword: ['The current password is wrong'] } } };
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) =>
      String(input).endsWith('/api/auth/password') ? new Response(JSON.stringify(wrong), { status: 400 }) : new Response('[]', { status: 200 }),
    );
    renderWithTheme(
      <MemoryRouter>
        <SessionProvider initial={{ status: 'authenticated', info }}>
          <SettingsPage />
        </SessionProvider>
      </MemoryRouter>,
    );
    const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(new RegExp(`^${label}`), { selector: 'input' }), { target: { value } });
    fill('Current password', 'not-my-password');
    fill('New password', 'a long new password');
    fill('Repeat new password', 'a long new password');
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The current password is wrong')).toBeTruthy();
  });
});
