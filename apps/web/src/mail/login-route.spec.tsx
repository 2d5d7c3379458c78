import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { fakeFetch, renderWithTheme, signedInSession } from '../shared/test-utils';
import MailApp from './mail-app';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

// A session whose domain requires TOTP: /mail then shows the setup screen and loads no mail.
const session = signedInSession({}, { totpSetupRequired: true });

describe('the login route when already logged in', () => {
  // Issue 19 item 4: this branch had its own check, which let "/\t/host" through (the URL parser drops the tab).
  it.each(['/%09/attacker.invalid/', '/%5Cattacker.invalid/', '%2F%2Fattacker.invalid'])('sends next=%s to /mail, not away', async (next) => {
    window.history.pushState({}, '', `/mail/login?next=${next}`);
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/auth/me': () => session }).fn);
    renderWithTheme(<MailApp />);
    expect(await screen.findByRole('heading', { name: 'Set up two-factor sign-in' })).toBeTruthy();
    // A full page load elsewhere (window.location.assign) would have left the address here.
    await waitFor(() => expect(window.location.pathname).toBe('/mail'));
  });
});
