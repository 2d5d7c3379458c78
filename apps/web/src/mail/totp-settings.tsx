import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, Stack, TextField, Typography } from '@mui/material';
import { errorMessage } from '../shared/api-client';
import { useAccount, useSession } from '../shared/session';
import { mailApi } from './mail-api';

type Step = { kind: 'idle' } | { kind: 'enrolling'; secret: string; otpauthUrl: string; qrDataUrl: string } | { kind: 'codes'; codes: string[] } | { kind: 'disabling' };

/** Groups a base32 secret in fours, as authenticator apps show it, for typing by hand. */
export const groupSecret = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

/**
 * Two-factor sign-in (RFC 6238 TOTP): enrol with the QR code the API renders (or the secret
 * typed by hand), confirm with a code, see the recovery codes once; turn it off with the password.
 * `onEnabled` runs after the recovery codes were acknowledged.
 */
export function TotpSettings({ onEnabled, mandatory = false }: { onEnabled?(): void; mandatory?: boolean }) {
  const account = useAccount();
  const { refresh } = useSession();
  const enabled = account.account.totpEnabled;
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();

  const start = async () => {
    setError(undefined);
    setNotice(undefined);
    try {
      setStep({ kind: 'enrolling', ...(await mailApi.totpEnroll()) });
      setCode('');
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const verify = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const { recoveryCodes } = await mailApi.totpVerify(code.replace(/\s/g, ''));
      setStep({ kind: 'codes', codes: recoveryCodes });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const finish = async () => {
    setStep({ kind: 'idle' });
    setNotice('Two-factor sign-in is on.');
    await refresh();
    onEnabled?.();
  };

  const disable = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await mailApi.totpDisable(password);
      setPassword('');
      setStep({ kind: 'idle' });
      setNotice('Two-factor sign-in is off.');
      await refresh();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Stack spacing={2}>
      {error && <Alert severity="error">{error}</Alert>}
      {notice && step.kind === 'idle' && (
        <Alert severity="success" role="status">
          {notice}
        </Alert>
      )}
      {step.kind === 'idle' && (
        <>
          <Typography variant="body2">
            {enabled
              ? 'Two-factor sign-in is on: the web login asks for a code from your authenticator app after the password.'
              : 'Protect the web login with a code from an authenticator app (any app for “TOTP”, RFC 6238).'}
          </Typography>
          <Box>
            {enabled ? (
              !mandatory && (
                <Button variant="outlined" color="error" onClick={() => setStep({ kind: 'disabling' })}>
                  Turn off two-factor sign-in
                </Button>
              )
            ) : (
              <Button variant="contained" onClick={() => void start()}>
                Set up two-factor sign-in
              </Button>
            )}
          </Box>
        </>
      )}
      {step.kind === 'enrolling' && (
        <Stack component="form" spacing={2} onSubmit={(e) => void verify(e)} aria-label="Set up two-factor sign-in">
          <Typography variant="body2">1. Scan this code with your authenticator app, or type the secret into it.</Typography>
          <Box component="img" src={step.qrDataUrl} alt="QR code for your authenticator app" sx={{ width: 200, height: 200, bgcolor: '#fff', p: 1, borderRadius: 1 }} />
          <Typography variant="body2">
            Secret:{' '}
            <Box component="code" data-testid="totp-secret" sx={{ userSelect: 'all', fontSize: 15 }}>
              {groupSecret(step.secret)}
            </Box>
          </Typography>
          <Typography variant="caption" color="text.secondary" sx={{ wordBreak: 'break-all' }}>
            {step.otpauthUrl}
          </Typography>
          <Typography variant="body2">2. Enter the 6-digit code the app shows.</Typography>
          <Stack direction="row" spacing={1} sx={{ maxWidth: 400 }}>
            <TextField
              size="small"
              label="Code from the app"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
              autoComplete="one-time-code"
              slotProps={{ htmlInput: { inputMode: 'numeric', pattern: '\\s*\\d{3}\\s*\\d{3}\\s*', maxLength: 8 } }}
              sx={{ flex: 1 }}
            />
            <Button type="submit" variant="contained">
              Verify
            </Button>
            <Button onClick={() => setStep({ kind: 'idle' })}>Cancel</Button>
          </Stack>
        </Stack>
      )}
      {step.kind === 'codes' && (
        <Stack spacing={2} aria-label="Recovery codes">
          <Alert severity="warning">
            Save these recovery codes now: they are shown only once. Each one signs you in once instead of a code, if you lose your phone.
          </Alert>
          <Box component="ol" sx={{ fontFamily: 'ui-monospace, monospace', columns: 2, m: 0, userSelect: 'all' }} data-testid="recovery-codes">
            {step.codes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </Box>
          <Box>
            <Button variant="contained" onClick={() => void finish()}>
              I have saved them
            </Button>
          </Box>
        </Stack>
      )}
      {step.kind === 'disabling' && (
        <Stack component="form" direction="row" spacing={1} onSubmit={(e) => void disable(e)} sx={{ maxWidth: 480 }} aria-label="Turn off two-factor sign-in">
          <TextField size="small" type="password" label="Your password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required sx={{ flex: 1 }} />
          <Button type="submit" variant="contained" color="error">
            Turn off
          </Button>
          <Button onClick={() => setStep({ kind: 'idle' })}>Cancel</Button>
        </Stack>
      )}
    </Stack>
  );
}
