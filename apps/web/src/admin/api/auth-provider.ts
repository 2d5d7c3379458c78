import type { AuthProvider } from 'react-admin';
import type { SessionInfo } from '@mailstead/contracts';
import { fetchSession, httpClient, setCsrfToken } from './http-client';

/** The webmail owns the login page; it sends the user back here afterwards. */
/** Where the console lives; its router's basename. */
export const ADMIN_BASENAME = '/admin';
export const LOGIN_URL = `/mail/login?next=${ADMIN_BASENAME}`;
export const WEBMAIL_URL = '/mail';

export type AdminAccess = 'admin' | 'domain_admin';

/** What the console needs to know about the logged-in account. */
export interface AdminPermissions {
  role: AdminAccess;
  /** Domains this account administers (every domain for admin). */
  domains: string[];
  address: string;
}

export function canEnterAdmin(session: SessionInfo): boolean {
  return session.account.role === 'admin' || session.account.role === 'domain_admin';
}

export function permissionsOf(session: SessionInfo): AdminPermissions {
  return { role: session.account.role as AdminAccess, domains: session.adminDomains, address: session.account.address };
}

export interface AuthProviderOptions {
  /** Leaves the single-page app (to the webmail's login page); replaceable in tests. */
  navigateAway?: (url: string) => void;
  loadSession?: () => Promise<SessionInfo | null>;
}

/**
 * Session-cookie authentication against the API's whoami (GET /api/auth/me). Nobody logged
 * in: off to the webmail's login page, which comes back to /admin. Logged in without admin
 * rights: AdminGate shows the explanation before react-admin mounts.
 */
export function createAuthProvider(options: AuthProviderOptions = {}): AuthProvider {
  const navigateAway = options.navigateAway ?? ((url: string) => window.location.assign(url));
  const loadSession = options.loadSession ?? fetchSession;
  let session: SessionInfo | null = null;
  const current = async (): Promise<SessionInfo | null> => {
    session ??= await loadSession();
    return session;
  };
  return {
    // The webmail owns the login form; react-admin's login page is turned off.
    async login() {
      navigateAway(LOGIN_URL);
    },
    async checkAuth() {
      const s = await current();
      if (!s) {
        navigateAway(LOGIN_URL);
        throw { message: false, logoutUser: false };
      }
      if (!canEnterAdmin(s)) throw { message: 'This account may not use the admin console.', logoutUser: false };
      // The domain requires TOTP and this account has none: the webmail walks the user through enrolment.
      if (s.totpSetupRequired) {
        navigateAway(WEBMAIL_URL);
        throw { message: false, logoutUser: false };
      }
    },
    async checkError(error: { status?: number; body?: unknown }) {
      if (error?.status === 403 && (error.body as { code?: string } | undefined)?.code === 'totp_setup_required') {
        session = null;
        navigateAway(WEBMAIL_URL);
        throw { message: false, logoutUser: false };
      }
      if (error?.status === 401) {
        session = null;
        setCsrfToken(null);
        navigateAway(LOGIN_URL);
        throw { message: false, logoutUser: false };
      }
    },
    async logout() {
      if (session) await httpClient('/api/auth/logout', { method: 'POST', body: '{}' }).catch(() => undefined);
      session = null;
      setCsrfToken(null);
      navigateAway('/mail/login');
      return false;
    },
    async getIdentity() {
      const s = await current();
      if (!s) throw new Error('not logged in');
      return { id: s.account.id, fullName: s.account.displayName ?? s.account.address };
    },
    async getPermissions(): Promise<AdminPermissions | null> {
      const s = await current();
      return s ? permissionsOf(s) : null;
    },
  };
}
