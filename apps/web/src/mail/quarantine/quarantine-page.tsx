import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { QuarantineItemDto } from '@mailstead/contracts';
import { Alert, AppBar, Box, Button, Chip, CircularProgress, IconButton, Paper, Stack, Toolbar, Tooltip, Typography } from '@mui/material';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import { api, errorMessage } from '../../shared/api-client';

/** The quarantine's calls (libs/contracts routes.ts, tag "quarantine"). */
export const quarantineApi = {
  list: () => api<{ items: QuarantineItemDto[] }>('GET', '/api/quarantine'),
  release: (id: string) => api<{ ok: true; mailboxId: number }>('POST', `/api/quarantine/${encodeURIComponent(id)}/release`),
  remove: (id: string) => api<{ ok: true }>('DELETE', `/api/quarantine/${encodeURIComponent(id)}`),
};

function Why({ item }: { item: QuarantineItemDto }) {
  return (
    <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }} aria-label="Why it was held">
      {item.symbols.map((s) => (
        <Tooltip key={s.name} title={s.detail ?? ''}>
          <Chip size="small" variant="outlined" color={s.score > 0 ? 'warning' : 'success'} label={`${s.name} ${s.score > 0 ? '+' : ''}${s.score}${s.detail ? `: ${s.detail}` : ''}`} />
        </Tooltip>
      ))}
    </Stack>
  );
}

/**
 * Mail held as spam instead of delivered (/mail/quarantine), with why: the checks that fired and
 * what they found (a blocklist, a shortened link), the classifier's probability. Release delivers
 * a message into the inbox and teaches the filter it is not spam; delete drops it.
 */
export function QuarantinePage() {
  const navigate = useNavigate();
  const [items, setItems] = useState<QuarantineItemDto[] | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | undefined>();

  const load = useCallback(() => {
    quarantineApi.list().then(
      (r) => setItems(r.items),
      (e: unknown) => setNotice({ ok: false, text: errorMessage(e) }),
    );
  }, []);
  useEffect(load, [load]);

  const act = async (item: QuarantineItemDto, release: boolean) => {
    try {
      if (release) await quarantineApi.release(item.id);
      else await quarantineApi.remove(item.id);
      setNotice({ ok: true, text: release ? `Released “${item.subject || '(no subject)'}” to your inbox` : `Deleted “${item.subject || '(no subject)'}”` });
      setItems((current) => (current ?? []).filter((i) => i.id !== item.id));
    } catch (e) {
      setNotice({ ok: false, text: errorMessage(e) });
    }
  };

  return (
    <Box sx={{ minHeight: '100vh', bgcolor: 'background.default' }}>
      <AppBar position="static" color="default" elevation={0} sx={{ borderBottom: 1, borderColor: 'divider' }}>
        <Toolbar variant="dense">
          <IconButton edge="start" aria-label="Back to mail" onClick={() => void navigate('/mail')}>
            <ArrowBackIcon />
          </IconButton>
          <Typography variant="h6" component="h1" sx={{ ml: 1 }}>
            Quarantine
          </Typography>
        </Toolbar>
      </AppBar>
      <Stack spacing={2} sx={{ p: 2, maxWidth: 900, mx: 'auto' }}>
        {notice && <Alert severity={notice.ok ? 'success' : 'error'}>{notice.text}</Alert>}
        {items === null ? (
          !notice && <CircularProgress aria-label="Loading" />
        ) : items.length === 0 ? (
          <Typography color="text.secondary">Nothing is held. Mail the spam filter is very sure about waits here instead of reaching your folders.</Typography>
        ) : (
          items.map((item) => (
            <Paper key={item.id} sx={{ p: 2 }} component="article" aria-label={item.subject || '(no subject)'}>
              <Stack spacing={1}>
                <Typography variant="subtitle1" component="h2">
                  {item.subject || '(no subject)'}
                </Typography>
                <Typography variant="body2" color="text.secondary">
                  From {item.from || item.sender || '(unknown)'} to {item.recipient}, {new Date(item.receivedAt).toLocaleString()}
                </Typography>
                <Typography variant="body2">
                  Spam score {item.score.toFixed(1)}
                  {item.probability !== null ? `, spam probability ${Math.round(item.probability * 100)}%` : ''}
                </Typography>
                <Why item={item} />
                <Stack direction="row" spacing={1}>
                  <Button variant="outlined" onClick={() => void act(item, true)}>
                    Not spam: release
                  </Button>
                  <Button color="error" onClick={() => void act(item, false)}>
                    Delete
                  </Button>
                </Stack>
              </Stack>
            </Paper>
          ))
        )}
      </Stack>
    </Box>
  );
}
