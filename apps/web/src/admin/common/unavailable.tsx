import { Alert } from '@mui/material';

/** Shown where the server does not offer an endpoint the console would use. */
export function Unavailable({ what }: { what: string }) {
  return (
    <Alert severity="info" variant="outlined">
      {what} is not available from this server's API yet.
    </Alert>
  );
}
