import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { SessionProvider } from '../shared/session';
import { fakeFetch, renderWithTheme, signedInSession } from '../shared/test-utils';
import MailApp from './mail-app';
import { groupSecret, TotpSettings } from './totp-settings';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const info = (totpEnabled: boolean) => signedInSession({ totpEnabled });

function renderTotp(totpEnabled: boolean) {
  renderWithTheme(
    <SessionProvider initial={{ status: 'authenticated', info: info(totpEnabled) }}>
      <TotpSettings />
    </SessionProvider>,
  );
}

describe('TotpSettings', () => {
  it('enrols: QR code and secret, verify with a code, recovery codes shown once', async () => {
    let enabled = false;
    const api = fakeFetch({
      'POST /api/auth/totp/enroll': () => ({ secret: 'JBSWY3DPEHPK3PXPJBSWY3DP', otpauthUrl: 'otpauth://totp/Mailstead:alice', qrDataUrl: 'data:image/png;base64,AAAA' }),
      'POST /api/auth/totp/verify': () => {
        enabled = true;
        return { recoveryCodes: ['aaaaa-bbbbb', 'ccccc-ddddd'] };
      },
      'GET /api/auth/me': () => info(enabled),
    });
    vi.stubGlobal('fetch', api.fn);
    renderTotp(false);
    fireEvent.click(screen.getByRole('button', { name: 'Set up two-factor sign-in' }));
    const qr = await screen.findByRole('img', { name: /QR code/ });
    expect(qr.getAttribute('src')).toBe('data:image/png;base64,AAAA');
    expect(screen.getByTestId('totp-secret').textContent).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP');
    fireEvent.change(screen.getByLabelText(/Code from the app/), { target: { value: '123 456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect((await screen.findByTestId('recovery-codes')).textContent).toContain('aaaaa-bbbbb');
    expect(api.calls.find((c) => c.path === '/api/auth/totp/verify')!.body).toEqual({ code: '123456' });
    fireEvent.click(screen.getByRole('button', { name: 'I have saved them' }));
    await screen.findByRole('button', { name: 'Turn off two-factor sign-in' });
    expect(screen.queryByTestId('recovery-codes')).toBeNull();
  });

  it('shows the API’s error for a wrong code and stays on the code step', async () => {
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) =>
      String(input).endsWith('/enroll')
        ? new Response(JSON.stringify({ secret: 'ABCD', otpauthUrl: 'otpauth://x', qrDataUrl: 'data:image/png;base64,AA' }), { status: 200 })
        : new Response(JSON.stringify({ error: { status: 400, code: 'validation', message: 'invalid request', fields: { code: ['The code is wrong, or the enrolment has expired'] } } }), { status: 400 }),
    );
    renderTotp(false);
    fireEvent.click(screen.getByRole('button', { name: 'Set up two-factor sign-in' }));
    fireEvent.change(await screen.findByLabelText(/Code from the app/), { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    // the field's sentence as the API words it, without "invalid request (code: ...)" around it
    expect(await screen.findByText('The code is wrong, or the enrolment has expired')).toBeTruthy();
    expect(screen.getByLabelText(/Code from the app/)).toBeTruthy();
  });

  it('turns it off with the password', async () => {
    let enabled = true;
    const api = fakeFetch({
      'POST /api/auth/totp/disable': () => {
        enabled = false;
        return { ok: true };
      },
      'GET /api/auth/me': () => info(enabled),
    });
    vi.stubGlobal('fetch', api.fn);
    renderTotp(true);
    fireEvent.click(screen.getByRole('button', { name: 'Turn off two-factor sign-in' }));
    fireEvent.change(screen.getByLabelText(/Your password/), { target: { value: 'pw' } });
    fireEvent.click(screen.getByRole('button', { name: 'Turn off' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Set up two-factor sign-in' })).toBeTruthy());
    expect(api.calls.find((c) => c.path === '/api/auth/totp/disable')!.body).toEqual({ password: 'pw' });
  });

  it('groups secrets in fours', () => expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ'));

  it('when the domain requires TOTP and the account has none, the mail waits behind the setup screen', async () => {
    window.history.pushState({}, '', '/mail');
    const api = fakeFetch({
      'GET /api/auth/me': () => ({ ...info(false), totpSetupRequired: true }),
      'POST /api/auth/totp/enroll': () => ({ secret: 'ABCD', otpauthUrl: 'otpauth://x', qrDataUrl: 'data:image/png;base64,AA' }),
    });
    vi.stubGlobal('fetch', api.fn);
    renderWithTheme(<MailApp />);
    expect(await screen.findByRole('heading', { name: 'Set up two-factor sign-in' })).toBeTruthy();
    // No mail was asked for, and turning it off is not offered.
    expect(api.calls.some((c) => c.path.startsWith('/api/mailboxes'))).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Set up two-factor sign-in' }));
    expect(await screen.findByRole('img', { name: /QR code/ })).toBeTruthy();
  });
});
