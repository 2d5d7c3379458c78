import DeleteIcon from '@mui/icons-material/Delete';
import { Alert, Button, Card, CardContent, CardHeader, IconButton, Stack, Table, TableBody, TableCell, TableRow, TextField, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import { useDataProvider, useNotify, useRecordContext } from 'react-admin';
import type { UserRecord } from '../api/admin-types';
import type { AdminDataProvider } from '../api/data-provider';
import { isAddress } from '../common/addresses';
import { useLoad } from '../common/use-load';

/**
 * Addresses the user may send as besides their own and their aliases' (SMTP MAIL FROM and From:,
 * the webmail's From): add one, remove one; each change is saved at once.
 */
export function SenderGrants() {
  const record = useRecordContext<UserRecord>();
  const dp = useDataProvider<AdminDataProvider>();
  const notify = useNotify();
  const [address, setAddress] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [changed, setChanged] = useState<string[] | null>(null);
  const userId = record?.id;
  const loaded = useLoad(() => (userId === undefined ? Promise.resolve([]) : dp.senderGrants(userId)), [userId]);
  if (!record) return null;
  const grants = changed ?? loaded.data ?? [];

  const run = (change: Promise<string[]>, done: string) => {
    setBusy(true);
    setProblem(null);
    change.then(
      (next) => {
        setBusy(false);
        setChanged(next);
        setAddress('');
        notify(done);
      },
      (e: unknown) => {
        setBusy(false);
        setProblem((e as Error).message);
      },
    );
  };
  const add = () => {
    const wanted = address.trim();
    if (!isAddress(wanted)) return setProblem('Enter a full address, such as news@example.com');
    run(dp.grantSender(record.id, wanted), `${record.address} may now send as ${wanted.toLowerCase()}`);
  };

  return (
    <Card variant="outlined" sx={{ m: 2 }}>
      <CardHeader title="May also send as" subheader="Addresses this user may use as From besides their own and their aliases'" titleTypographyProps={{ variant: 'subtitle1' }} />
      <CardContent>
        {loaded.error ? <Alert severity="error">Could not load the sender addresses: {(loaded.error as Error).message}</Alert> : null}
        {problem ? <Alert severity="error" sx={{ mb: 1 }}>{problem}</Alert> : null}
        {grants.length === 0 && !loaded.loading ? <Typography variant="body2" color="text.secondary">No other addresses.</Typography> : null}
        <Table size="small" aria-label="sender addresses">
          <TableBody>
            {grants.map((g) => (
              <TableRow key={g}>
                <TableCell>{g}</TableCell>
                <TableCell align="right">
                  <Tooltip title={`Stop ${record.address} sending as ${g}`}>
                    <IconButton aria-label={`remove sender ${g}`} disabled={busy} onClick={() => run(dp.revokeSender(record.id, g), `${record.address} no longer sends as ${g}`)}>
                      <DeleteIcon fontSize="small" />
                    </IconButton>
                  </Tooltip>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Stack direction="row" spacing={1} sx={{ mt: 1 }}>
          <TextField size="small" label="Sender address" value={address} onChange={(e) => setAddress(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), add())} />
          <Button variant="outlined" disabled={busy || address.trim() === ''} onClick={add}>
            Allow
          </Button>
        </Stack>
      </CardContent>
    </Card>
  );
}
