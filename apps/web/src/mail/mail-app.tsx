import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { Box, Button, CircularProgress, Paper, Stack, Typography } from '@mui/material';
import { LoginPage } from '../shared/login-page';
import { safeNext } from '../shared/safe-next';
import { loginPath, SessionProvider, useSession } from '../shared/session';
import { MailsteadThemeProvider } from '../shared/theme';
import { MailShell } from './mail-shell';
import { TotpSettings } from './totp-settings';

const SettingsPage = lazy(() => import('./settings-page').then((m) => ({ default: m.SettingsPage })));
const RulesPage = lazy(() => import('./rules/rules-page').then((m) => ({ default: m.RulesPage })));
const VacationPage = lazy(() => import('./vacation/vacation-page').then((m) => ({ default: m.VacationPage })));
const QuarantinePage = lazy(() => import('./quarantine/quarantine-page').then((m) => ({ default: m.QuarantinePage })));

function Loading() {
  return (
    <Box sx={{ height: '100vh', display: 'grid', placeItems: 'center' }} aria-busy aria-label="Loading">
      <CircularProgress />
    </Box>
  );
}

/**
 * The account's domain requires two-factor sign-in and the account has none yet: the API
 * refuses everything but enrolment (403 totp_setup_required) until it is set up.
 */
function TotpSetupRequired() {
  const { logout } = useSession();
  const navigate = useNavigate();
  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2, bgcolor: 'background.default' }}>
      <Paper sx={{ p: 4, width: '100%', maxWidth: 560 }} elevation={2} aria-labelledby="totp-setup-title">
        <Stack spacing={2}>
          <Typography id="totp-setup-title" variant="h5" component="h1">
            Set up two-factor sign-in
          </Typography>
          <Typography variant="body2" color="text.secondary">
            Your domain requires a code from an authenticator app at every sign-in. Set it up to continue to your mail.
          </Typography>
          <TotpSettings mandatory />
          <Box>
            <Button onClick={() => void logout().then(() => navigate('/mail/login'))}>Sign out</Button>
          </Box>
        </Stack>
      </Paper>
    </Box>
  );
}

/** Screens that need a session; without one, the login page with ?next= back here. */
function RequireSession({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'anonymous') {
    const target = `${loginPath(location.pathname + location.search)}${state.expired ? '&expired=1' : ''}`;
    return <Navigate to={target} replace />;
  }
  // Read defensively: the flag is optional for servers that do not know "require TOTP".
  if ('totpSetupRequired' in state.info && state.info.totpSetupRequired === true) return <TotpSetupRequired />;
  return <>{children}</>;
}

function LoginRoute() {
  const { state } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  // /mail routes stay in this app; anything else (/admin) is another app: a full page load.
  const inMailApp = (target: string) => target === '/mail' || target.startsWith('/mail/') || target.startsWith('/mail?') || target.startsWith('/mail#');
  const go = (target: string) => {
    if (inMailApp(target)) void navigate(target, { replace: true });
    else window.location.assign(target);
  };
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'authenticated') {
    // Already logged in: the same check as after logging in (LoginPage), never a weaker copy.
    const target = safeNext(params.get('next'));
    if (inMailApp(target)) return <Navigate to={target} replace />;
    go(target);
    return <Loading />;
  }
  return <LoginPage next={params.get('next')} expired={params.get('expired') === '1'} onLoggedIn={go} />;
}

/** The webmail (/mail): login, the three-pane mail view, settings. */
export default function MailApp() {
  return (
    <MailsteadThemeProvider>
      <SessionProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/mail/login" element={<LoginRoute />} />
            <Route
              path="/mail/settings"
              element={
                <RequireSession>
                  <Suspense fallback={<Loading />}>
                    <SettingsPage />
                  </Suspense>
                </RequireSession>
              }
            />
            <Route
              path="/mail/settings/rules"
              element={
                <RequireSession>
                  <Suspense fallback={<Loading />}>
                    <RulesPage />
                  </Suspense>
                </RequireSession>
              }
            />
            <Route
              path="/mail/settings/vacation"
              element={
                <RequireSession>
                  <Suspense fallback={<Loading />}>
                    <VacationPage />
                  </Suspense>
                </RequireSession>
              }
            />
            <Route
              path="/mail/quarantine"
              element={
                <RequireSession>
                  <Suspense fallback={<Loading />}>
                    <QuarantinePage />
                  </Suspense>
                </RequireSession>
              }
            />
            <Route
              path="/mail/folder/:folderId"
              element={
                <RequireSession>
                  <MailShell />
                </RequireSession>
              }
            />
            <Route
              path="/mail"
              element={
                <RequireSession>
                  <MailShell />
                </RequireSession>
              }
            />
            <Route path="*" element={<Navigate to="/mail" replace />} />
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </MailsteadThemeProvider>
  );
}
