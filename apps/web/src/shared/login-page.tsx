import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, CircularProgress, Paper, Stack, TextField, Typography } from '@mui/material';
import { ApiRequestError, errorMessage } from './api-client';
import { safeNext } from './safe-next';
import { useSession } from './session';

export interface LoginPageProps {
  /** Where to go afterwards (the ?next= of the address); sanitized with safeNext. */
  next: string | null;
  /** Called with the sanitized target after a successful login. */
  onLoggedIn(target: string): void;
  expired?: boolean;
}

/** What a failed login means for the form (error codes of libs/contracts errors.ts). */
function loginError(err: unknown, step: 'password' | 'totp'): string {
  if (err instanceof ApiRequestError) {
    if (err.code === 'totp_invalid') return 'Wrong or already used code. Try the current one from your app.';
    if (err.status === 401) return step === 'totp' ? 'Your session could not be confirmed. Start again.' : 'Wrong address or password.';
    if (err.status === 429) return 'Too many failed attempts. Wait a few minutes and try again.';
  }
  return errorMessage(err);
}

/**
 * The one login page of Mailstead (/mail/login); /admin sends its visitors here with ?next=/admin.
 * Accounts with TOTP get a second step: the API answers `totp_required`, the form asks for the
 * code (or a recovery code) and sends address, password and code together (the API keeps no
 * half-logged-in state).
 */
export function LoginPage({ next, onLoggedIn, expired }: LoginPageProps) {
  const { login } = useSession();
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(address.trim(), password, step === 'totp' ? code.trim() : undefined);
      onLoggedIn(safeNext(next));
    } catch (err) {
      if (step === 'password' && err instanceof ApiRequestError && err.code === 'totp_required') {
        setStep('totp');
      } else {
        setError(loginError(err, step));
        if (step === 'totp' && err instanceof ApiRequestError && err.status === 401 && err.code !== 'totp_invalid') setStep('password');
        if (step === 'totp') setCode('');
      }
      setBusy(false);
    }
  };

  const back = () => {
    setStep('password');
    setCode('');
    setError(undefined);
  };

  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2, bgcolor: 'background.default' }}>
      <Paper component="form" onSubmit={(e) => void submit(e)} sx={{ p: 4, width: '100%', maxWidth: 380 }} elevation={2} aria-labelledby="login-title">
        <Stack spacing={2}>
          <Typography id="login-title" variant="h5" component="h1">
            Mailstead
          </Typography>
          {step === 'password' ? (
            <Typography variant="body2" color="text.secondary">
              Sign in with your mail address.
            </Typography>
          ) : (
            <Typography variant="body2" color="text.secondary" id="totp-help">
              Enter the 6-digit code from your authenticator app for {address.trim()}, or one of your recovery codes.
            </Typography>
          )}
          {expired && !error && step === 'password' && <Alert severity="info">Your session ended. Please sign in again.</Alert>}
          {error && <Alert severity="error">{error}</Alert>}
          {step === 'password' ? (
            <>
              <TextField label="Address" type="email" autoComplete="username" value={address} onChange={(e) => setAddress(e.target.value)} required autoFocus fullWidth />
              <TextField label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required fullWidth />
            </>
          ) : (
            <TextField
              label="One-time code"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
              autoFocus
              fullWidth
              slotProps={{ htmlInput: { inputMode: 'text', maxLength: 64, 'aria-describedby': 'totp-help', spellCheck: false } }}
            />
          )}
          <Button type="submit" variant="contained" disabled={busy} startIcon={busy ? <CircularProgress size={16} /> : undefined}>
            {step === 'password' ? 'Sign in' : 'Verify'}
          </Button>
          {step === 'totp' && (
            <Button type="button" onClick={back} disabled={busy}>
              Use another account
            </Button>
          )}
        </Stack>
      </Paper>
    </Box>
  );
}
