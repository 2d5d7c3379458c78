import MailIcon from '@mui/icons-material/Mail';
import { Button, Chip, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { AppBar, Layout, TitlePortal, usePermissions } from 'react-admin';
import { WEBMAIL_URL, type AdminPermissions } from '../api/auth-provider';

/** The top bar: page title, the account's scope, and the switch to the webmail. */
function AdminAppBar() {
  const { permissions } = usePermissions<AdminPermissions>();
  return (
    <AppBar>
      <Typography variant="h6" sx={{ mr: 2, fontWeight: 600 }}>
        Mailstead
      </Typography>
      <TitlePortal />
      {permissions?.role === 'domain_admin' ? <Chip size="small" label={`Domain admin: ${permissions.domains.join(', ') || 'no domain'}`} sx={{ mr: 1, bgcolor: 'rgba(255,255,255,0.2)', color: 'inherit' }} /> : null}
      <Button color="inherit" href={WEBMAIL_URL} startIcon={<MailIcon />} sx={{ mr: 1 }}>
        Webmail
      </Button>
    </AppBar>
  );
}

export function AdminLayout({ children }: { children: ReactNode }) {
  return <Layout appBar={AdminAppBar}>{children}</Layout>;
}
