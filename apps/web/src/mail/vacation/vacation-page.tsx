import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { vacationSettings, type VacationSettings } from '@mailstead/contracts';
import { Alert, AppBar, Box, Button, CircularProgress, FormControlLabel, IconButton, Paper, Stack, Switch, TextField, Toolbar, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import { errorMessage } from '../../shared/api-client';
import { useAccount } from '../../shared/session';
import { RichTextEditor } from '../rich-text-editor';
import { rulesApi } from '../rules/rules-api';

const OFF: VacationSettings = { enabled: false, subject: '', message: '', html: false, start: null, end: null, addresses: [], days: 7 };

/**
 * The vacation auto-reply (/mail/settings/vacation): on/off, subject, message (plain or rich),
 * first and last day, the other addresses it answers for, days between replies to one sender.
 * It is one block of the active Sieve script (RFC 5230), next to the rules.
 */
export function VacationPage() {
  const navigate = useNavigate();
  const account = useAccount();
  const [v, setV] = useState<VacationSettings | null>(null);
  const [addresses, setAddresses] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  // the rich editor is uncontrolled: it is remounted with new content only when the format changes
  const [editorKey, setEditorKey] = useState(0);

  useEffect(() => {
    rulesApi.get().then(
      (set) => {
        const current = set.vacation ?? OFF;
        setV(current);
        setAddresses(current.addresses.join(', '));
      },
      (e: unknown) => setResult({ ok: false, text: errorMessage(e) }),
    );
  }, []);

  if (!v) {
    return (
      <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center' }} aria-busy aria-label="Loading">
        {result ? <Alert severity="error">{result.text}</Alert> : <CircularProgress />}
      </Box>
    );
  }
  const change = (patch: Partial<VacationSettings>) => {
    setResult(undefined);
    setV({ ...v, ...patch });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const candidate = { ...v, addresses: addresses.split(/[\s,;]+/).filter(Boolean) };
    const parsed = vacationSettings.safeParse(candidate);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    try {
      const set = await rulesApi.saveVacation(parsed.data);
      setV(set.vacation ?? OFF);
      setResult({ ok: true, text: parsed.data.enabled ? 'Saved: the auto-reply is on' : 'Saved: the auto-reply is off' });
    } catch (err) {
      setResult({ ok: false, text: errorMessage(err) });
    }
  };

  return (
    <Box sx={{ minHeight: '100vh', bgcolor: 'background.default' }}>
      <AppBar position="static" color="default" elevation={0} sx={{ borderBottom: 1, borderColor: 'divider' }}>
        <Toolbar variant="dense">
          <IconButton edge="start" aria-label="Back to settings" onClick={() => void navigate('/mail/settings')}>
            <ArrowBackIcon />
          </IconButton>
          <Typography variant="h6" component="h1" sx={{ ml: 1 }}>
            Vacation reply
          </Typography>
        </Toolbar>
      </AppBar>
      <Stack spacing={2} sx={{ p: 2, maxWidth: 800, mx: 'auto' }}>
        <Paper component="form" aria-label="Vacation reply" sx={{ p: 3 }} onSubmit={(e) => void submit(e)}>
          <Stack spacing={2}>
            <FormControlLabel control={<Switch checked={v.enabled} onChange={(e) => change({ enabled: e.target.checked })} />} label="Send an automatic reply" />
            <Typography variant="body2" color="text.secondary">
              Each sender gets at most one reply every {v.days} {v.days === 1 ? 'day' : 'days'}. Mailing lists, automatic mail and mail not addressed to you get none.
            </Typography>
            <TextField label="Subject" value={v.subject} onChange={(e) => change({ subject: e.target.value })} helperText="Empty: “Auto:” and the subject of the message answered" slotProps={{ htmlInput: { maxLength: 500 } }} />
            <Box>
              <ToggleButtonGroup
                exclusive
                size="small"
                value={v.html ? 'html' : 'text'}
                aria-label="Message format"
                onChange={(_, format: 'html' | 'text' | null) => {
                  if (!format || (format === 'html') === v.html) return;
                  const text = v.message;
                  // plain -> rich keeps the lines; rich -> plain keeps the text
                  const message = format === 'html' ? text.split('\n').map((l) => `<div>${l.replace(/&/g, '&amp;').replace(/</g, '&lt;') || '<br>'}</div>`).join('') : htmlToPlain(text);
                  change({ html: format === 'html', message });
                  setEditorKey((k) => k + 1);
                }}
              >
                <ToggleButton value="text">Plain text</ToggleButton>
                <ToggleButton value="html">Rich text</ToggleButton>
              </ToggleButtonGroup>
            </Box>
            {v.html ? (
              <Box>
                <RichTextEditor key={editorKey} initialHtml={v.message} onChange={(html) => change({ message: html })} label="Message" minHeight={160} />
                {fieldErrors.message && (
                  <Typography variant="caption" color="error">
                    Message {fieldErrors.message}
                  </Typography>
                )}
              </Box>
            ) : (
              <TextField
                label="Message"
                multiline
                minRows={6}
                value={v.message}
                onChange={(e) => change({ message: e.target.value })}
                error={Boolean(fieldErrors.message)}
                helperText={fieldErrors.message ? `Message ${fieldErrors.message}` : undefined}
              />
            )}
            <Stack direction="row" spacing={2}>
              <TextField
                label="First day"
                type="date"
                value={v.start ?? ''}
                onChange={(e) => change({ start: e.target.value || null })}
                slotProps={{ inputLabel: { shrink: true } }}
                helperText="Empty: from now"
              />
              <TextField
                label="Last day"
                type="date"
                value={v.end ?? ''}
                onChange={(e) => change({ end: e.target.value || null })}
                slotProps={{ inputLabel: { shrink: true } }}
                error={Boolean(fieldErrors.end)}
                helperText={fieldErrors.end ? `Last day ${fieldErrors.end}` : 'Empty: until turned off'}
              />
              <TextField
                label="Days between replies"
                type="number"
                value={v.days}
                onChange={(e) => change({ days: Math.min(365, Math.max(1, Math.trunc(Number(e.target.value) || 1))) })}
                slotProps={{ htmlInput: { min: 1, max: 365 } }}
              />
            </Stack>
            <TextField
              label="Also answer mail to"
              value={addresses}
              onChange={(e) => {
                setResult(undefined);
                setAddresses(e.target.value);
              }}
              error={Boolean(fieldErrors.addresses)}
              helperText={fieldErrors.addresses ? `An address ${fieldErrors.addresses}` : `Other addresses of yours, separated by commas (${account.account.address} and your aliases are always answered)`}
            />
            {result && <Alert severity={result.ok ? 'success' : 'error'}>{result.text}</Alert>}
            <Box>
              <Button type="submit" variant="contained">
                Save
              </Button>
            </Box>
          </Stack>
        </Paper>
      </Stack>
    </Box>
  );
}

function htmlToPlain(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.querySelectorAll('br').forEach((b) => b.replaceWith('\n'));
  doc.querySelectorAll('div, p').forEach((d) => d.append('\n'));
  return (doc.body.textContent ?? '').replace(/\n+$/, '');
}
