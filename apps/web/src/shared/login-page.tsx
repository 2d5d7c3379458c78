import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, CircularProgress, Paper, Stack, TextField, Typography } from '@mui/material';
import { ApiRequestError, errorMessage } from './api-client';
import { safeNext, useSession } from './session';

export interface LoginPageProps {
  /** Where to go afterwards (the ?next= of the address); sanitized with safeNext. */
  next: string | null;
  /** Called with the sanitized target after a successful login. */
  onLoggedIn(target: string): void;
  expired?: boolean;
}

/** The one login page of Mailstead (/mail/login); /admin sends its visitors here with ?next=/admin. */
export function LoginPage({ next, onLoggedIn, expired }: LoginPageProps) {
  const { login } = useSession();
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(address.trim(), password);
      onLoggedIn(safeNext(next));
    } catch (err) {
      setError(err instanceof ApiRequestError && err.status === 401 ? 'Wrong address or password.' : errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2, bgcolor: 'background.default' }}>
      <Paper component="form" onSubmit={(e) => void submit(e)} sx={{ p: 4, width: '100%', maxWidth: 380 }} elevation={2} aria-labelledby="login-title">
        <Stack spacing={2}>
          <Typography id="login-title" variant="h5" component="h1">
            Mailstead
          </Typography>
          <Typography variant="body2" color="text.secondary">
            Sign in with your mail address.
          </Typography>
          {expired && !error && <Alert severity="info">Your session ended. Please sign in again.</Alert>}
          {error && <Alert severity="error">{error}</Alert>}
          <TextField label="Address" type="email" autoComplete="username" value={address} onChange={(e) => setAddress(e.target.value)} required autoFocus fullWidth />
          <TextField label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required fullWidth />
          <Button type="submit" variant="contained" disabled={busy} startIcon={busy ? <CircularProgress size={16} /> : undefined}>
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Box>
  );
}
