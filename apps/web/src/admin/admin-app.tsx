import AlternateEmailIcon from '@mui/icons-material/AlternateEmail';
import DomainIcon from '@mui/icons-material/Domain';
import ForumIcon from '@mui/icons-material/Forum';
import HistoryIcon from '@mui/icons-material/History';
import OutboxIcon from '@mui/icons-material/Outbox';
import FilterAltIcon from '@mui/icons-material/FilterAlt';
import PeopleIcon from '@mui/icons-material/People';
import { Alert, Box, Button, CircularProgress, Typography } from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import { BrowserRouter, Route } from 'react-router-dom';
import { Admin, CustomRoutes, Resource, type AuthProvider, type DataProvider } from 'react-admin';
import type { SessionInfo } from '@mailstead/contracts';
import { ADMIN_BASENAME, canEnterAdmin, createAuthProvider, LOGIN_URL, WEBMAIL_URL } from './api/auth-provider';
import { createDataProvider } from './api/data-provider';
import { fetchSession } from './api/http-client';
import { AliasCreate, AliasEdit, AliasList } from './aliases/alias-resources';
import { AuditList } from './audit/audit-list';
import { Dashboard } from './dashboard/dashboard';
import { DomainDns } from './domains/domain-dns';
import { DomainCreate, DomainEdit, DomainList } from './domains/domain-resources';
import { AdminLayout } from './layout/admin-layout';
import { MailingListCreate, MailingListEdit, MailingListList } from './lists/list-resources';
import { QueueList, QueueShow } from './queue/queue-resources';
import { SieveScriptCreate, SieveScriptEdit, SieveScriptList } from './sieve/sieve-resources';
import { UserCreate, UserEdit, UserList } from './users/user-resources';

/**
 * The console itself: react-admin on the API's admin resources, with real paths under
 * /admin (/admin/users, /admin/domains/3/dns) that the server's SPA fallback serves. The
 * router's basename is /admin, so every link inside the console, react-admin's and our own
 * (`<Link to="/domains/3/dns">`), stays under /admin; only plain `href`s (the webmail) leave it.
 */
export function AdminConsole({ dataProvider, authProvider }: { dataProvider: DataProvider; authProvider: AuthProvider }) {
  return (
    <BrowserRouter basename={ADMIN_BASENAME}>
      <Admin title="Mailstead admin" dataProvider={dataProvider} authProvider={authProvider} dashboard={Dashboard} layout={AdminLayout} loginPage={false} requireAuth disableTelemetry>
        <Resource name="domains" list={DomainList} create={DomainCreate} edit={DomainEdit} icon={DomainIcon} recordRepresentation="name" />
        <Resource name="users" list={UserList} create={UserCreate} edit={UserEdit} icon={PeopleIcon} recordRepresentation="address" />
        <Resource name="aliases" list={AliasList} create={AliasCreate} edit={AliasEdit} icon={AlternateEmailIcon} recordRepresentation="source" />
        <Resource name="lists" list={MailingListList} create={MailingListCreate} edit={MailingListEdit} icon={ForumIcon} options={{ label: 'Mailing lists' }} recordRepresentation="address" />
        <Resource name="sieve-scripts" list={SieveScriptList} create={SieveScriptCreate} edit={SieveScriptEdit} icon={FilterAltIcon} options={{ label: 'Sieve scripts' }} recordRepresentation="name" />
        <Resource name="queue" list={QueueList} show={QueueShow} icon={OutboxIcon} options={{ label: 'Queue' }} />
        <Resource name="audit" list={AuditList} icon={HistoryIcon} options={{ label: 'Audit log' }} />
        <CustomRoutes>
          <Route path="/domains/:id/dns" element={<DomainDns />} />
        </CustomRoutes>
      </Admin>
    </BrowserRouter>
  );
}

/** Logged in, but not an admin or domain admin: say so, and offer the way back. */
export function NotAllowed({ session }: { session: SessionInfo }) {
  return (
    <Box sx={{ maxWidth: 560, mx: 'auto', mt: 10, px: 2 }}>
      <Typography variant="h4" gutterBottom>
        Mailstead admin
      </Typography>
      <Alert severity="warning" sx={{ mb: 2 }}>
        You are logged in as <strong>{session.account.address}</strong>, which is not an administrator account. Only admins and domain admins can use the admin console.
      </Alert>
      <Button variant="contained" href={WEBMAIL_URL}>
        Back to the webmail
      </Button>
    </Box>
  );
}

type GateState = { kind: 'loading' } | { kind: 'anonymous' } | { kind: 'forbidden'; session: SessionInfo } | { kind: 'ready'; session: SessionInfo } | { kind: 'error'; message: string };

const leaveTo = (url: string) => window.location.assign(url);

/**
 * Checks the session before react-admin mounts: nobody logged in goes to the webmail's
 * login page (which comes back here), a plain user sees why they cannot enter.
 */
export function AdminGate({ loadSession = fetchSession, navigateAway = leaveTo }: { loadSession?: () => Promise<SessionInfo | null>; navigateAway?: (url: string) => void }) {
  const [state, setState] = useState<GateState>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    loadSession().then(
      (session) => {
        if (!live) return;
        if (!session) {
          setState({ kind: 'anonymous' });
          navigateAway(LOGIN_URL);
        } else setState(canEnterAdmin(session) ? { kind: 'ready', session } : { kind: 'forbidden', session });
      },
      (error: unknown) => live && setState({ kind: 'error', message: (error as Error).message }),
    );
    return () => {
      live = false;
    };
  }, [loadSession, navigateAway]);
  const providers = useMemo(() => {
    if (state.kind !== 'ready') return null;
    const session = state.session;
    let first = true;
    // The gate's session answers the first check; later checks ask the API again.
    const load = async () => {
      if (first) {
        first = false;
        return session;
      }
      return fetchSession();
    };
    return { dataProvider: createDataProvider(), authProvider: createAuthProvider({ loadSession: load, navigateAway }) };
  }, [state, navigateAway]);
  switch (state.kind) {
    case 'loading':
      return (
        <Box sx={{ display: 'flex', justifyContent: 'center', mt: 10 }}>
          <CircularProgress aria-label="loading" />
        </Box>
      );
    case 'anonymous':
      return (
        <Box sx={{ maxWidth: 560, mx: 'auto', mt: 10, px: 2 }}>
          <Typography>
            Not logged in: <a href={LOGIN_URL}>log in</a> to use the admin console.
          </Typography>
        </Box>
      );
    case 'forbidden':
      return <NotAllowed session={state.session} />;
    case 'error':
      return (
        <Box sx={{ maxWidth: 560, mx: 'auto', mt: 10, px: 2 }}>
          <Alert severity="error">The server could not be reached: {state.message}</Alert>
        </Box>
      );
    case 'ready':
      return <AdminConsole dataProvider={providers!.dataProvider} authProvider={providers!.authProvider} />;
  }
}

/** Entry point loaded by main.tsx for /admin paths. */
export default function AdminApp() {
  return <AdminGate />;
}
