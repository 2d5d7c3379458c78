import { describe, expect, it, vi } from 'vitest';
import { createAuthProvider, WEBMAIL_URL, type AuthProviderOptions } from './auth-provider';
import { toHttpError } from './http-client';

type SessionInfo = NonNullable<Awaited<ReturnType<NonNullable<AuthProviderOptions['loadSession']>>>>;

const session = (over: Partial<SessionInfo> = {}): SessionInfo => ({
  account: { id: 1, address: 'root@ops.test', displayName: null, role: 'admin', quotaBytes: 0, usedBytes: 0, totpEnabled: false },
  csrfToken: 't',
  adminDomains: ['ops.test'],
  totpSetupRequired: false,
  ...over,
});

describe('admin auth provider and per-domain "require TOTP"', () => {
  it('lets an admin in, but sends one who must enrol TOTP first to the webmail', async () => {
    const ok = vi.fn();
    await expect(createAuthProvider({ navigateAway: ok, loadSession: async () => session() }).checkAuth({})).resolves.toBeUndefined();
    expect(ok).not.toHaveBeenCalled();
    const away = vi.fn();
    await expect(createAuthProvider({ navigateAway: away, loadSession: async () => session({ totpSetupRequired: true }) }).checkAuth({})).rejects.toBeTruthy();
    expect(away).toHaveBeenCalledWith(WEBMAIL_URL);
  });

  it('does the same when an API call answers 403 totp_setup_required (the requirement was turned on meanwhile)', async () => {
    const away = vi.fn();
    const provider = createAuthProvider({ navigateAway: away, loadSession: async () => session() });
    const error = toHttpError(403, 'Forbidden', JSON.stringify({ error: { status: 403, code: 'totp_setup_required', message: 'enrol first' } }));
    await expect(provider.checkError(error)).rejects.toBeTruthy();
    expect(away).toHaveBeenCalledWith(WEBMAIL_URL);
    const other = vi.fn();
    await expect(createAuthProvider({ navigateAway: other }).checkError(toHttpError(403, 'Forbidden', JSON.stringify({ error: { status: 403, code: 'forbidden', message: 'no' } })))).resolves.toBeUndefined();
    expect(other).not.toHaveBeenCalled();
  });
});
