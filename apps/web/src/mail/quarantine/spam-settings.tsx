import { useEffect, useState, type FormEvent } from 'react';
import { spamSettingsDto, type SpamSettingsDto } from '@mailstead/contracts';
import { Alert, Button, Stack, TextField, Typography } from '@mui/material';
import { api, errorMessage } from '../../shared/api-client';

type Level = 'junk' | 'quarantine' | 'reject';
const LABELS: Record<Level, string> = { junk: 'Move to Junk from score', quarantine: 'Hold in the quarantine from score', reject: 'Refuse from score' };

/** The account's own spam thresholds (empty: the domain's or the server's, shown as the placeholder). */
export function SpamSettings() {
  const [settings, setSettings] = useState<SpamSettingsDto | null>(null);
  const [values, setValues] = useState<Record<Level, string>>({ junk: '', quarantine: '', reject: '' });
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | undefined>();

  const show = (answer: unknown) => {
    const parsed = spamSettingsDto.safeParse(answer);
    if (!parsed.success) {
      setNotice({ ok: false, text: 'The spam settings could not be read' });
      return;
    }
    const s = parsed.data;
    setSettings(s);
    setValues({ junk: s.own.junk?.toString() ?? '', quarantine: s.own.quarantine?.toString() ?? '', reject: s.own.reject?.toString() ?? '' });
  };
  useEffect(() => {
    api<unknown>('GET', '/api/spam/settings').then(show, (e: unknown) => setNotice({ ok: false, text: errorMessage(e) }));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = Object.fromEntries((Object.keys(LABELS) as Level[]).map((k) => [k, values[k].trim() === '' ? null : Number(values[k])]));
    if (Object.values(body).some((v) => v !== null && !Number.isFinite(v))) {
      setNotice({ ok: false, text: 'Scores are numbers, or empty for the default' });
      return;
    }
    try {
      show(await api<unknown>('PUT', '/api/spam/settings', { body }));
      setNotice({ ok: true, text: 'Spam thresholds saved' });
    } catch (err) {
      setNotice({ ok: false, text: errorMessage(err) });
    }
  };

  return (
    <Stack component="form" spacing={2} aria-label="Spam thresholds" onSubmit={(e) => void submit(e)}>
      <Typography variant="body2" color="text.secondary">
        Every arriving message gets a spam score. Leave a field empty to use the default shown.
      </Typography>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
        {(Object.keys(LABELS) as Level[]).map((k) => (
          <TextField
            key={k}
            label={LABELS[k]}
            value={values[k]}
            placeholder={settings ? String(settings.effective[k]) : ''}
            onChange={(e) => setValues({ ...values, [k]: e.target.value })}
            slotProps={{ htmlInput: { inputMode: 'decimal' }, inputLabel: { shrink: true } }}
          />
        ))}
      </Stack>
      {notice && <Alert severity={notice.ok ? 'success' : 'error'}>{notice.text}</Alert>}
      <Stack direction="row">
        <Button type="submit" variant="outlined" disabled={!settings}>
          Save spam thresholds
        </Button>
      </Stack>
    </Stack>
  );
}
