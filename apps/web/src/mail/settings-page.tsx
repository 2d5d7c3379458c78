import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '@mailstead/contracts';
import {
  Alert,
  AppBar,
  Box,
  Button,
  IconButton,
  List,
  ListItem,
  ListItemText,
  Paper,
  Stack,
  TextField,
  Toolbar,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import DeleteIcon from '@mui/icons-material/Delete';
import { errorMessage } from '../shared/api-client';
import { useAccount, useSession } from '../shared/session';
import { useColorMode, type ColorMode } from '../shared/theme';
import { mailApi } from './mail-api';
import { TotpSettings } from './totp-settings';
import { loadSettings, saveSettings } from './user-settings';
import { SpamSettings } from './quarantine/spam-settings';

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Paper component="section" aria-label={title} sx={{ p: 3 }}>
      <Typography variant="h6" component="h2" gutterBottom>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

function PasswordSection() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== repeat) return setResult({ ok: false, text: 'The new passwords differ.' });
    const problem = passwordProblem(next);
    if (problem) return setResult({ ok: false, text: `The new ${problem}.` });
    try {
      await mailApi.changePassword(current, next);
      setResult({ ok: true, text: 'Password changed. Other sessions were signed out.' });
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (err) {
      setResult({ ok: false, text: errorMessage(err) });
    }
  };
  return (
    <Section title="Password">
      <Stack component="form" spacing={2} onSubmit={(e) => void submit(e)} sx={{ maxWidth: 400 }}>
        {result && <Alert severity={result.ok ? 'success' : 'error'}>{result.text}</Alert>}
        <TextField label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        <TextField label="New password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required helperText={`At least ${MIN_PASSWORD_LENGTH} characters`} />
        <TextField label="Repeat new password" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required />
        <Box>
          <Button type="submit" variant="contained">
            Change password
          </Button>
        </Box>
      </Stack>
    </Section>
  );
}

/** The display name: the API stores it and puts it in the From header of mail sent from here. */
function ProfileSection() {
  const account = useAccount();
  const { refresh } = useSession();
  const [name, setName] = useState(account.account.displayName ?? '');
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const address = account.account.address;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const info = await mailApi.updateProfile(name.trim());
      setName(info.account.displayName ?? '');
      setResult({ ok: true, text: 'Saved' });
      await refresh();
    } catch (err) {
      setResult({ ok: false, text: errorMessage(err) });
    }
  };
  const preview = name.trim() ? `${name.trim()} <${address}>` : address;
  return (
    <Section title="Account">
      <Stack component="form" spacing={2} onSubmit={(e) => void submit(e)} sx={{ maxWidth: 480 }}>
        {result && <Alert severity={result.ok ? 'success' : 'error'}>{result.text}</Alert>}
        <TextField
          label="Display name"
          value={name}
          onChange={(e) => {
            setResult(undefined);
            setName(e.target.value);
          }}
          slotProps={{ htmlInput: { maxLength: 200 } }}
          helperText={`Your mail is sent as: ${preview}`}
        />
        <Typography variant="body2" color="text.secondary">
          {`${(account.account.usedBytes / 1024 / 1024).toFixed(1)} MB used${account.account.quotaBytes > 0 ? ` of ${(account.account.quotaBytes / 1024 / 1024).toFixed(0)} MB` : ''}`}
        </Typography>
        <Box>
          <Button type="submit" variant="contained">
            Save name
          </Button>
        </Box>
      </Stack>
    </Section>
  );
}

function AppPasswordsSection() {
  const [list, setList] = useState<{ id: number; label: string; createdAt: string; lastUsedAt: string | null }[]>([]);
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<{ label: string; password: string } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = () => mailApi.appPasswords().then(setList, (e: unknown) => setError(errorMessage(e)));
  useEffect(() => {
    void load();
  }, []);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const result = await mailApi.createAppPassword(label.trim());
      setCreated({ label: result.label, password: result.password });
      setLabel('');
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const downloadAppleProfile = async () => {
    try {
      const { blob, filename } = await mailApi.appleProfile();
      const url = URL.createObjectURL(blob);
      const link = Object.assign(document.createElement('a'), { href: url, download: filename });
      link.click();
      URL.revokeObjectURL(url);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Section title="App passwords">
      <Typography variant="body2" color="text.secondary" gutterBottom>
        For mail programs and phones (IMAP, POP3, SMTP). They never work for this web login. With two-factor sign-in on, mail programs accept only an app password, not your account password.
      </Typography>
      {error && <Alert severity="error">{error}</Alert>}
      {created && (
        <Alert severity="success" onClose={() => setCreated(undefined)} sx={{ my: 1 }}>
          Password for “{created.label}” (shown once): <code style={{ userSelect: 'all' }}>{created.password}</code>
        </Alert>
      )}
      <List dense>
        {list.map((p) => (
          <ListItem
            key={p.id}
            secondaryAction={
              <IconButton edge="end" aria-label={`Revoke ${p.label}`} onClick={() => void mailApi.revokeAppPassword(p.id).then(load, (e: unknown) => setError(errorMessage(e)))}>
                <DeleteIcon />
              </IconButton>
            }
          >
            <ListItemText
              primary={p.label}
              secondary={`Created ${new Date(p.createdAt).toLocaleDateString()}${p.lastUsedAt ? ` · last used ${new Date(p.lastUsedAt).toLocaleString()}` : ' · never used'}`}
            />
          </ListItem>
        ))}
      </List>
      <Stack component="form" direction="row" spacing={1} onSubmit={(e) => void create(e)} sx={{ maxWidth: 400 }}>
        <TextField size="small" label="Label (e.g. Phone)" value={label} onChange={(e) => setLabel(e.target.value)} required sx={{ flex: 1 }} />
        <Button type="submit" variant="outlined">
          Create
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
        iPhone, iPad or Mac: download a profile and open it on the device. It sets up Mail with an app password made for it (listed above, revocable).
      </Typography>
      <Button variant="outlined" sx={{ mt: 1 }} onClick={() => void downloadAppleProfile()}>
        Download Apple Mail profile
      </Button>
    </Section>
  );
}

/** Account settings: display name, appearance, signature, password, two-factor sign-in, app passwords. */
export function SettingsPage() {
  const account = useAccount();
  const navigate = useNavigate();
  const { mode, setMode } = useColorMode();
  const address = account.account.address;
  const [signature, setSignature] = useState(() => loadSettings(address).signature);
  const [saved, setSaved] = useState(false);
  const [composeMode, setComposeMode] = useState(() => loadSettings(address).composeMode);
  return (
    <Box sx={{ minHeight: '100vh', bgcolor: 'background.default' }}>
      <AppBar position="static" color="default" elevation={0} sx={{ borderBottom: 1, borderColor: 'divider' }}>
        <Toolbar variant="dense">
          <IconButton edge="start" aria-label="Back to mail" onClick={() => void navigate('/mail')}>
            <ArrowBackIcon />
          </IconButton>
          <Typography variant="h6" component="h1" sx={{ ml: 1 }}>
            Settings
          </Typography>
        </Toolbar>
      </AppBar>
      <Stack spacing={2} sx={{ p: 2, maxWidth: 800, mx: 'auto' }}>
        <ProfileSection />
        <Section title="Mail rules">
          <Typography variant="body2" color="text.secondary" gutterBottom>
            Sort, flag or forward arriving mail, and answer automatically while you are away.
          </Typography>
          <Stack direction="row" spacing={1}>
            <Button variant="outlined" onClick={() => void navigate('/mail/settings/rules')}>
              Rules
            </Button>
            <Button variant="outlined" onClick={() => void navigate('/mail/settings/vacation')}>
              Vacation reply
            </Button>
            <Button variant="outlined" onClick={() => void navigate('/mail/quarantine')}>
              Spam quarantine
            </Button>
          </Stack>
        </Section>
        <Section title="Spam filter">
          <SpamSettings />
        </Section>
        <Section title="Appearance">
          <ToggleButtonGroup exclusive value={mode} onChange={(_, v: ColorMode | null) => v && setMode(v)} aria-label="Theme">
            <ToggleButton value="light">Light</ToggleButton>
            <ToggleButton value="dark">Dark</ToggleButton>
          </ToggleButtonGroup>
        </Section>
        <Section title="Writing">
          <Typography variant="body2" color="text.secondary" gutterBottom id="compose-mode-label">
            New messages and replies start in this format (you can switch in the composer).
          </Typography>
          <ToggleButtonGroup
            exclusive
            value={composeMode}
            onChange={(_, v: 'html' | 'text' | null) => {
              if (!v) return;
              setComposeMode(v);
              saveSettings(address, { composeMode: v });
            }}
            aria-labelledby="compose-mode-label"
          >
            <ToggleButton value="html">Rich text</ToggleButton>
            <ToggleButton value="text">Plain text</ToggleButton>
          </ToggleButtonGroup>
        </Section>
        <Section title="Signature">
          <Stack spacing={1}>
            <TextField
              label="Signature"
              multiline
              minRows={3}
              value={signature}
              onChange={(e) => {
                setSaved(false);
                setSignature(e.target.value);
              }}
              helperText="Added below new messages and replies (stored in this browser)."
            />
            <Box>
              <Button
                variant="contained"
                onClick={() => {
                  saveSettings(address, { signature });
                  setSaved(true);
                }}
              >
                Save signature
              </Button>
              {saved && (
                <Typography component="span" variant="body2" sx={{ ml: 2 }} role="status">
                  Saved
                </Typography>
              )}
            </Box>
          </Stack>
        </Section>
        <PasswordSection />
        <Section title="Two-factor sign-in">
          <TotpSettings />
        </Section>
        <AppPasswordsSection />
      </Stack>
    </Box>
  );
}
