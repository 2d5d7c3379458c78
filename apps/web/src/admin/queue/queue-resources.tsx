import { Alert, Box, Button as MuiButton, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Divider, Tab, Table, TableBody, TableCell, TableHead, TableRow, Tabs, TextField as MuiTextField, Typography } from '@mui/material';
import { useState } from 'react';
import {
  Button,
  Confirm,
  Datagrid,
  DateField,
  FunctionField,
  List,
  NumberField,
  NumberInput,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  useDataProvider,
  useListContext,
  useNotify,
  usePermissions,
  useRecordContext,
  useRedirect,
  useRefresh,
  useUnselectAll,
} from 'react-admin';
import type { AdminDataProvider, QueueBulkFilter } from '../api/data-provider';
import type { QueueRecord, QueueStatus } from '../api/admin-types';
import type { AdminPermissions } from '../api/auth-provider';
import { useLoad } from '../common/use-load';
import { applyToIds, type QueueAction } from './queue-actions';

const STATUS_COLORS: Record<QueueStatus, 'default' | 'info' | 'warning' | 'error' | 'success'> = { queued: 'info', sending: 'info', deferred: 'warning', failed: 'error', delivered: 'success' };
export const StatusChip = ({ status }: { status: string }) => <Chip size="small" label={status} color={STATUS_COLORS[status as QueueStatus] ?? 'default'} />;

const TABS = ['deferred', 'failed', 'queued', 'delivered', 'all'] as const;

function StatusTabs() {
  const { filterValues, setFilters, displayedFilters } = useListContext();
  const current = (filterValues.status as string | undefined) ?? 'all';
  return (
    <Tabs
      value={TABS.includes(current as never) ? current : 'all'}
      onChange={(_, value: string) => {
        const { status: _drop, ...rest } = filterValues as Record<string, unknown>;
        setFilters(value === 'all' ? rest : { ...rest, status: value }, displayedFilters, false);
      }}
      sx={{ px: 2 }}
    >
      {TABS.map((t) => (
        <Tab key={t} value={t} label={t} />
      ))}
    </Tabs>
  );
}

const ACTION_WORDS: Record<QueueAction, { verb: string; done: string; warn: string }> = {
  retry: { verb: 'Retry now', done: 'retried', warn: 'They are made due now and tried again.' },
  bounce: { verb: 'Bounce', done: 'bounced', warn: 'Delivery stops and the sender gets a failure notice (DSN).' },
  delete: { verb: 'Delete', done: 'deleted', warn: 'Delivery stops and the entries are removed; the sender is not told.' },
};

function useQueueAction() {
  const dp = useDataProvider<AdminDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  return async (ids: readonly string[], action: QueueAction) => {
    const result = await applyToIds(dp, ids, action);
    notify(`${result.done} ${ACTION_WORDS[action].done}${result.failed ? `, ${result.failed} failed: ${result.firstError}` : ''}`, { type: result.failed ? 'warning' : 'info' });
    refresh();
  };
}

function BulkQueueButton({ action }: { action: QueueAction }) {
  const { selectedIds, resource } = useListContext();
  const unselectAll = useUnselectAll(resource);
  const run = useQueueAction();
  const [open, setOpen] = useState(false);
  const words = ACTION_WORDS[action];
  return (
    <>
      <Button label={words.verb} onClick={() => setOpen(true)} color={action === 'retry' ? 'primary' : 'error'} />
      <Confirm
        isOpen={open}
        title={`${words.verb}: ${selectedIds.length} entr${selectedIds.length === 1 ? 'y' : 'ies'}`}
        content={words.warn}
        onConfirm={() => {
          setOpen(false);
          void run(selectedIds.map(String), action).then(() => unselectAll());
        }}
        onClose={() => setOpen(false)}
      />
    </>
  );
}

const QueueBulkActions = () => (
  <>
    <BulkQueueButton action="retry" />
    <BulkQueueButton action="bounce" />
    <BulkQueueButton action="delete" />
  </>
);

/** The list's filter as the server's bulk filter (the domain field names a whole destination domain). */
export function bulkFilter(filterValues: Record<string, unknown>, olderThanHours?: number): QueueBulkFilter {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const listAge = typeof filterValues.olderThanHours === 'number' ? filterValues.olderThanHours : undefined;
  return { domain: text(filterValues.q)?.toLowerCase(), status: text(filterValues.status), sender: text(filterValues.sender), olderThanHours: olderThanHours ?? listAge };
}

/** "Retry all" / "delete all older than N hours" for everything the current filter matches, done by the server. */
function FilterActions() {
  const { filterValues } = useListContext();
  const dp = useDataProvider<AdminDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [dialog, setDialog] = useState<QueueAction | null>(null);
  const [hours, setHours] = useState('72');
  const [busy, setBusy] = useState(false);
  const scope = Object.entries(filterValues as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
  const confirm = async () => {
    const action = dialog!;
    setBusy(true);
    try {
      const result = await dp.queueBulk(action, bulkFilter(filterValues as Record<string, unknown>, action === 'delete' ? Number(hours) : undefined));
      notify(`${result.done} of ${result.matched} ${ACTION_WORDS[action].done}${result.failed ? `, ${result.failed} had changed meanwhile` : ''}`, { type: result.failed ? 'warning' : 'info' });
      refresh();
    } catch (e) {
      notify(`Not done: ${(e as Error).message}`, { type: 'error' });
    } finally {
      setBusy(false);
      setDialog(null);
    }
  };
  return (
    <>
      <Button label="Retry all matching" onClick={() => setDialog('retry')} />
      <Button label="Purge older than…" color="error" onClick={() => setDialog('delete')} />
      <Dialog open={dialog !== null} onClose={() => setDialog(null)}>
        <DialogTitle>{dialog === 'retry' ? 'Retry every matching entry' : 'Delete matching entries older than…'}</DialogTitle>
        <DialogContent>
          <Typography gutterBottom>Applies to every entry matching {scope ? <strong>{scope}</strong> : <strong>no filter (the whole queue)</strong>}, up to 10,000.</Typography>
          {dialog === 'delete' ? (
            <MuiTextField label="Older than (hours)" type="number" value={hours} onChange={(e) => setHours(e.target.value)} slotProps={{ htmlInput: { min: 0 } }} sx={{ mt: 1 }} />
          ) : null}
          {dialog ? <Typography variant="body2" color="text.secondary">{ACTION_WORDS[dialog].warn}</Typography> : null}
        </DialogContent>
        <DialogActions>
          <MuiButton onClick={() => setDialog(null)}>Cancel</MuiButton>
          <MuiButton variant="contained" color={dialog === 'retry' ? 'primary' : 'error'} disabled={busy || (dialog === 'delete' && !(Number(hours) >= 0))} onClick={() => void confirm()}>
            {dialog === 'retry' ? 'Retry all' : 'Delete'}
          </MuiButton>
        </DialogActions>
      </Dialog>
    </>
  );
}

// The API filters the queue by status, destination domain (q: part of the name; bulk actions
// take it as the whole domain) and envelope sender; "purge older than" sends its age to the server.
const queueFilters = [
  <TextInput key="q" source="q" label="Destination domain" alwaysOn />,
  <TextInput key="sender" source="sender" label="Sender" />,
  <NumberInput key="olderThanHours" source="olderThanHours" label="Queued more than (hours) ago" min={0} />,
];

/** Paused destination domains as chips (click to resume), and "Pause a domain…" for admins. */
function PausedDomains() {
  const dp = useDataProvider<AdminDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { permissions } = usePermissions<AdminPermissions>();
  const { data, reload } = useLoad(() => dp.pausedDomains(), []);
  const [open, setOpen] = useState(false);
  const [domain, setDomain] = useState('');
  const [reason, setReason] = useState('');
  const admin = permissions?.role === 'admin';
  const act = async (work: () => Promise<string>) => {
    try {
      notify(await work());
      reload();
      refresh();
    } catch (e) {
      notify(`Not done: ${(e as Error).message}`, { type: 'error' });
    }
  };
  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap', px: 2, pt: 1 }}>
      {(data ?? []).map((p) => (
        <Chip
          key={p.domain}
          color="warning"
          label={`${p.domain} paused${p.reason ? `: ${p.reason}` : ''}`}
          onDelete={admin ? () => void act(async () => `${p.domain} resumed, ${(await dp.resumeDomain(p.domain)).enqueued} entries queued`) : undefined}
        />
      ))}
      {admin ? <Button label="Pause a domain…" onClick={() => setOpen(true)} /> : null}
      <Dialog open={open} onClose={() => setOpen(false)}>
        <DialogTitle>Pause delivery to a domain</DialogTitle>
        <DialogContent>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            Its entries stay in the queue and are not attempted until you resume it (click the chip's ✕).
          </Typography>
          <MuiTextField autoFocus fullWidth label="Destination domain" value={domain} onChange={(e) => setDomain(e.target.value)} sx={{ mt: 1 }} />
          <MuiTextField fullWidth label="Reason (optional)" value={reason} onChange={(e) => setReason(e.target.value)} sx={{ mt: 1 }} />
        </DialogContent>
        <DialogActions>
          <MuiButton onClick={() => setOpen(false)}>Cancel</MuiButton>
          <MuiButton
            variant="contained"
            color="warning"
            disabled={domain.trim() === ''}
            onClick={() => {
              setOpen(false);
              void act(async () => {
                await dp.pauseDomain(domain.trim(), reason.trim() || undefined);
                return `${domain.trim()} paused`;
              }).then(() => {
                setDomain('');
                setReason('');
              });
            }}
          >
            Pause
          </MuiButton>
        </DialogActions>
      </Dialog>
    </Box>
  );
}

const QueueListActions = () => (
  <TopToolbar>
    <FilterActions />
  </TopToolbar>
);

export function QueueList() {
  return (
    <List filters={queueFilters} actions={<QueueListActions />} sort={{ field: 'createdAt', order: 'DESC' }} filterDefaultValues={{ status: 'deferred' }}>
      <PausedDomains />
      <StatusTabs />
      <Divider />
      <Datagrid rowClick="show" bulkActionButtons={<QueueBulkActions />}>
        <DateField source="createdAt" label="Queued" showTime />
        <FunctionField source="sender" render={(r: QueueRecord) => r.sender || '<>'} />
        <TextField source="domain" label="To domain" />
        <FunctionField label="Recipients" render={(r: QueueRecord) => r.recipients.map((x) => x.address).join(', ')} />
        <FunctionField source="status" render={(r: QueueRecord) => <StatusChip status={r.status} />} />
        <NumberField source="attempts" />
        <DateField source="nextAttemptAt" label="Next attempt" showTime emptyText="—" />
        <TextField source="lastError" label="Last error" emptyText="—" />
      </Datagrid>
    </List>
  );
}

function QueueShowActions() {
  const record = useRecordContext<QueueRecord>();
  const run = useQueueAction();
  const redirect = useRedirect();
  const [confirming, setConfirming] = useState<QueueAction | null>(null);
  if (!record) return null;
  const finished = record.status === 'delivered' || record.status === 'failed';
  return (
    <TopToolbar>
      <Button label="Retry now" onClick={() => void run([record.id], 'retry')} disabled={record.status === 'delivered'} />
      <Button label="Bounce" color="error" onClick={() => setConfirming('bounce')} disabled={finished} />
      <Button label="Delete" color="error" onClick={() => setConfirming('delete')} />
      <Confirm
        isOpen={confirming !== null}
        title={confirming ? `${ACTION_WORDS[confirming].verb} this entry` : ''}
        content={confirming ? ACTION_WORDS[confirming].warn : ''}
        onConfirm={() => {
          const action = confirming!;
          setConfirming(null);
          void run([record.id], action).then(() => {
            if (action === 'delete') redirect('list', 'queue');
          });
        }}
        onClose={() => setConfirming(null)}
      />
    </TopToolbar>
  );
}

function RecipientsTable() {
  const record = useRecordContext<QueueRecord>();
  if (!record) return null;
  return (
    <Table size="small" aria-label="recipients">
      <TableHead>
        <TableRow>
          <TableCell>Recipient</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Remote reply</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {record.recipients.map((r) => (
          <TableRow key={r.address}>
            <TableCell>{r.address}</TableCell>
            <TableCell>
              <StatusChip status={r.status} />
            </TableCell>
            <TableCell sx={{ fontFamily: 'monospace' }}>{r.response ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function AttemptLog() {
  const record = useRecordContext<QueueRecord>();
  if (!record) return null;
  if (!record.attemptLog) {
    return (
      <Alert severity="info" variant="outlined">
        {record.attempts} attempt{record.attempts === 1 ? '' : 's'} so far; the per-attempt log is not reported by this server's API yet.
      </Alert>
    );
  }
  if (record.attemptLog.length === 0) return <Typography color="text.secondary">No attempts yet.</Typography>;
  return (
    <Table size="small" aria-label="attempts">
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>Host</TableCell>
          <TableCell>Result</TableCell>
          <TableCell>Remote reply</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {record.attemptLog.map((a, i) => (
          <TableRow key={`${a.at}-${i}`}>
            <TableCell>{new Date(a.at).toLocaleString()}</TableCell>
            <TableCell>{a.host ?? '(no connection)'}</TableCell>
            <TableCell>
              <StatusChip status={a.result} />
            </TableCell>
            <TableCell sx={{ fontFamily: 'monospace' }}>{a.response ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function QueueShow() {
  return (
    <Show actions={<QueueShowActions />}>
      <SimpleShowLayout>
        <TextField source="id" />
        <FunctionField source="sender" label="Envelope sender" render={(r: QueueRecord) => r.sender || '<> (bounce)'} />
        <TextField source="domain" label="Destination domain" />
        <FunctionField source="status" render={(r: QueueRecord) => <StatusChip status={r.status} />} />
        <NumberField source="attempts" />
        <DateField source="createdAt" label="Queued" showTime />
        <DateField source="nextAttemptAt" label="Next attempt" showTime emptyText="—" />
        <TextField source="lastError" label="Last error" emptyText="—" />
        <Box>
          <Typography variant="subtitle2" gutterBottom>
            Recipients
          </Typography>
          <RecipientsTable />
        </Box>
        <Box>
          <Typography variant="subtitle2" gutterBottom>
            Attempt log
          </Typography>
          <AttemptLog />
        </Box>
      </SimpleShowLayout>
    </Show>
  );
}
