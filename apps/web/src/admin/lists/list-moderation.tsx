import { Alert, Button, Card, CardContent, CardHeader, Dialog, DialogActions, DialogContent, DialogTitle, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { useDataProvider, useNotify, useRecordContext } from 'react-admin';
import type { AdminDataProvider } from '../api/data-provider';
import type { MailingListRecord, ModerationItem } from '../api/admin-types';
import { isMissingEndpoint } from '../api/http-client';
import { Unavailable } from '../common/unavailable';
import { useLoad } from '../common/use-load';

/** Posts held for a moderated list: read, approve, or reject with a reason sent to the sender. */
export function ListModeration() {
  const record = useRecordContext<MailingListRecord>();
  const dp = useDataProvider<AdminDataProvider>();
  const notify = useNotify();
  const { data, error, reload } = useLoad(async () => (record ? dp.moderation(record.id) : []), [record?.id]);
  const [viewing, setViewing] = useState<ModerationItem | null>(null);
  const [fullText, setFullText] = useState<string | null>(null);
  const view = (item: ModerationItem) => {
    setViewing(item);
    setFullText(null);
    // The whole text when the API has it; the list's preview meanwhile (or instead).
    dp.moderationItem(record!.id, item.id).then(
      (full) => setFullText(`${full.headers}\n\n${full.text}`),
      () => undefined,
    );
  };
  const [rejecting, setRejecting] = useState<ModerationItem | null>(null);
  const [reason, setReason] = useState('');
  if (!record) return null;
  const decide = async (item: ModerationItem, decision: 'approve' | 'reject', why?: string) => {
    try {
      await dp.moderate(record.id, item.id, decision, why);
      notify(decision === 'approve' ? `Post from ${item.sender} sent to the list` : `Post from ${item.sender} rejected`);
      reload();
    } catch (e) {
      notify(`Not done: ${(e as Error).message}`, { type: 'error' });
    }
  };
  const pending = (data ?? []).filter((i) => !i.status || i.status === 'pending');
  return (
    <Card variant="outlined" sx={{ m: 2 }}>
      <CardHeader title="Moderation queue" titleTypographyProps={{ variant: 'h6' }} subheader={record.policy === 'moderated' ? 'Posts wait here for approval' : 'Only used when the policy is "moderated"'} />
      <CardContent>
        {error ? isMissingEndpoint(error) ? <Unavailable what="The moderation queue" /> : <Alert severity="error">{(error as Error).message}</Alert> : null}
        {data && pending.length === 0 ? <Typography color="text.secondary">Nothing is waiting.</Typography> : null}
        {pending.length > 0 ? (
          <Table size="small" aria-label="held posts">
            <TableHead>
              <TableRow>
                <TableCell>Received</TableCell>
                <TableCell>From</TableCell>
                <TableCell>Subject</TableCell>
                <TableCell align="right">Decision</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {pending.map((item) => (
                <TableRow key={item.id}>
                  <TableCell>{new Date(item.createdAt).toLocaleString()}</TableCell>
                  <TableCell>{item.sender}</TableCell>
                  <TableCell>{item.subject ?? '(no subject)'}</TableCell>
                  <TableCell align="right">
                    <Stack direction="row" spacing={1} sx={{ justifyContent: 'flex-end' }}>
                      <Button size="small" onClick={() => view(item)}>
                        View
                      </Button>
                      <Button size="small" color="success" onClick={() => void decide(item, 'approve')}>
                        Approve
                      </Button>
                      <Button size="small" color="error" onClick={() => setRejecting(item)}>
                        Reject
                      </Button>
                    </Stack>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </CardContent>
      <Dialog open={viewing !== null} onClose={() => setViewing(null)} maxWidth="md" fullWidth>
        <DialogTitle>{viewing?.subject ?? '(no subject)'}</DialogTitle>
        <DialogContent>
          <Typography variant="body2" color="text.secondary">
            From {viewing?.sender}
          </Typography>
          <Typography component="pre" sx={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit' }}>
            {fullText ?? viewing?.preview ?? ''}
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setViewing(null)}>Close</Button>
        </DialogActions>
      </Dialog>
      <Dialog open={rejecting !== null} onClose={() => setRejecting(null)} maxWidth="sm" fullWidth>
        <DialogTitle>Reject the post from {rejecting?.sender}</DialogTitle>
        <DialogContent>
          <TextField autoFocus fullWidth multiline minRows={2} label="Reason (sent to the sender)" value={reason} onChange={(e) => setReason(e.target.value)} sx={{ mt: 1 }} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setRejecting(null)}>Cancel</Button>
          <Button
            color="error"
            variant="contained"
            onClick={() => {
              const item = rejecting!;
              setRejecting(null);
              void decide(item, 'reject', reason.trim()).then(() => setReason(''));
            }}
          >
            Reject
          </Button>
        </DialogActions>
      </Dialog>
    </Card>
  );
}
