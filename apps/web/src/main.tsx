import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';

// Two applications in one bundle set: the admin console under /admin, the webmail everywhere
// else. Each is loaded on demand so the webmail's first paint does not pay for react-admin.
const AdminApp = lazy(() => import('./admin/admin-app'));
const MailApp = lazy(() => import('./mail/mail-app'));

const isAdmin = window.location.pathname === '/admin' || window.location.pathname.startsWith('/admin/');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Suspense fallback={null}>{isAdmin ? <AdminApp /> : <MailApp />}</Suspense>
  </StrictMode>,
);
