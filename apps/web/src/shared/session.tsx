import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SessionInfo } from '@mailstead/contracts';
import { api, ApiRequestError, onUnauthorized, setCsrfToken } from './api-client';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'authenticated'; info: SessionInfo };

interface SessionContextValue {
  state: SessionState;
  /** `totp`: the second factor (a current code or a recovery code) when the account has one. */
  login(address: string, password: string, totp?: string): Promise<SessionInfo>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

/** The logged-in account, shared by the webmail and the admin console (same cookie, same login page). */
export function SessionProvider({ children, initial }: { children: ReactNode; initial?: SessionState }) {
  const [state, setState] = useState<SessionState>(initial ?? { status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const info = await api<SessionInfo>('GET', '/api/auth/me', { quiet401: true });
      setCsrfToken(info.csrfToken);
      setState({ status: 'authenticated', info });
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 401) {
        setCsrfToken(undefined);
        setState({ status: 'anonymous', expired: false });
      } else setState({ status: 'anonymous', expired: false });
    }
  }, []);

  useEffect(() => {
    if (!initial) void refresh();
  }, [initial, refresh]);

  // Any 401 while logged in means the session ended elsewhere (expiry, logout, password change).
  useEffect(
    () =>
      onUnauthorized(() => {
        setCsrfToken(undefined);
        setState((s) => (s.status === 'authenticated' ? { status: 'anonymous', expired: true } : s));
      }),
    [],
  );

  const login = useCallback(async (address: string, password: string, totp?: string) => {
    const body = totp ? { address, password, totp } : { address, password };
    const info = await api<SessionInfo>('POST', '/api/auth/login', { body, quiet401: true });
    setCsrfToken(info.csrfToken);
    setState({ status: 'authenticated', info });
    return info;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('POST', '/api/auth/logout', { quiet401: true });
    } finally {
      setCsrfToken(undefined);
      setState({ status: 'anonymous', expired: false });
    }
  }, []);

  const value = useMemo(() => ({ state, login, logout, refresh }), [state, login, logout, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The account of an authenticated screen. */
export function useAccount(): SessionInfo {
  const { state } = useSession();
  if (state.status !== 'authenticated') throw new Error('useAccount without a session');
  return state.info;
}

/** The login page's address for a protected page. */
export function loginPath(next: string): string {
  return `/mail/login?next=${encodeURIComponent(next)}`;
}
