import DeleteIcon from '@mui/icons-material/Delete';
import { Alert, Box, Button, Card, CardContent, CardHeader, Chip, IconButton, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import { Confirm, useDataProvider, useNotify, useRecordContext, useRefresh, useUpdate } from 'react-admin';
import type { MailingListRecord } from '../api/admin-types';
import type { AdminDataProvider } from '../api/data-provider';
import { addressesFromCsv, invalidAddresses, isAddress, splitAddresses } from '../common/addresses';
import { disabledCount, isBouncing, type ListMember } from './member-bounces';

/** New member list after adding: lower-cased, without duplicates, existing order kept. */
export function mergeMembers(current: readonly string[], added: readonly string[]): string[] {
  const seen = new Set(current.map((a) => a.toLowerCase()));
  const out = [...current];
  for (const a of added) {
    const key = a.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(key);
    }
  }
  return out;
}

const PAGE = 100;

/**
 * Members of a list: add one, paste many, import a CSV file, remove; every change is saved at
 * once. Each member shows its bounce count and whether it was disabled for bouncing, with a
 * button that clears the count and re-enables it.
 */
export function ListMembers() {
  const record = useRecordContext<MailingListRecord>();
  const [update, { isPending }] = useUpdate<MailingListRecord>();
  const notify = useNotify();
  const [one, setOne] = useState('');
  const [pasted, setPasted] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [removing, setRemoving] = useState<string | null>(null);
  const [shown, setShown] = useState(PAGE);
  const [resetting, setResetting] = useState<string | null>(null);
  const refresh = useRefresh();
  const dp = useDataProvider<AdminDataProvider>();
  if (!record) return null;
  const current = record.members.map((m) => m.address);
  const byAddress = new Map<string, ListMember>(record.members.map((m) => [m.address, m]));
  const disabled = disabledCount(record.members);

  const reenable = (address: string) => {
    setResetting(address);
    dp.resetMemberBounces(record.id, address).then(
      () => {
        setResetting(null);
        notify(`${address} re-enabled: bounce count cleared`);
        refresh();
      },
      (e: unknown) => {
        setResetting(null);
        setProblem(`Not re-enabled: ${(e as Error).message}`);
      },
    );
  };

  const save = (members: string[], message: string, after?: () => void) => {
    setProblem(null);
    void update(
      'lists',
      { id: record.id, data: { members } as unknown as Partial<MailingListRecord>, previousData: record },
      {
        mutationMode: 'pessimistic',
        onSuccess: () => {
          notify(message);
          after?.();
        },
        onError: (e) => setProblem(`Not saved: ${(e as Error).message}`),
      },
    );
  };
  const add = (addresses: string[], after?: () => void) => {
    const bad = invalidAddresses(addresses);
    if (bad.length > 0) return setProblem(`Not an address: ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ` and ${bad.length - 10} more` : ''}`);
    if (addresses.length === 0) return setProblem('No addresses given');
    const next = mergeMembers(current, addresses);
    const added = next.length - current.length;
    if (added === 0) return setProblem('They are all members already');
    save(next, `${added} member${added === 1 ? '' : 's'} added`, after);
  };
  const importCsv = async (file: File) => {
    const { addresses, rejected } = addressesFromCsv(await file.text());
    if (rejected.length > 0) notify(`Skipped ${rejected.length} row${rejected.length === 1 ? '' : 's'} without a valid address`, { type: 'warning' });
    add(addresses);
  };
  const visible = current.filter((a) => a.includes(search.trim().toLowerCase()));

  return (
    <Card variant="outlined" sx={{ m: 2 }}>
      <CardHeader
        title={`Members (${current.length})`}
        titleTypographyProps={{ variant: 'h6' }}
        subheader={disabled > 0 ? `${disabled} disabled for bouncing: they stay on the list but get no list mail until re-enabled` : undefined}
      />
      <CardContent>
        {problem ? (
          <Alert severity="error" sx={{ mb: 2 }} onClose={() => setProblem(null)}>
            {problem}
          </Alert>
        ) : null}
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={3} sx={{ mb: 3 }}>
          <Stack spacing={1} sx={{ flex: 1 }}>
            <Typography variant="subtitle2">Add one</Typography>
            <Stack direction="row" spacing={1}>
              <TextField
                size="small"
                label="Address"
                value={one}
                onChange={(e) => setOne(e.target.value)}
                error={one.length > 0 && !isAddress(one.trim())}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    add([one.trim()], () => setOne(''));
                  }
                }}
                slotProps={{ htmlInput: { 'data-testid': 'member-add-one' } }}
                fullWidth
              />
              <Button variant="contained" disabled={isPending || !one.trim()} onClick={() => add([one.trim()], () => setOne(''))}>
                Add
              </Button>
            </Stack>
            <Typography variant="subtitle2" sx={{ pt: 1 }}>
              Import a CSV file
            </Typography>
            <Button variant="outlined" component="label" disabled={isPending}>
              Choose CSV…
              <input
                hidden
                type="file"
                accept=".csv,text/csv,text/plain"
                data-testid="member-csv"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) void importCsv(file);
                }}
              />
            </Button>
            <Typography variant="caption" color="text.secondary">
              Uses the column named address or email, else the first column.
            </Typography>
          </Stack>
          <Stack spacing={1} sx={{ flex: 1 }}>
            <Typography variant="subtitle2">Paste many</Typography>
            <TextField
              multiline
              minRows={4}
              size="small"
              placeholder={'one@example.com\ntwo@example.com'}
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              slotProps={{ htmlInput: { 'data-testid': 'member-paste' } }}
            />
            <Button variant="outlined" disabled={isPending || !pasted.trim()} onClick={() => add(splitAddresses(pasted), () => setPasted(''))}>
              Add all
            </Button>
          </Stack>
        </Stack>
        <TextField size="small" label="Find a member" value={search} onChange={(e) => setSearch(e.target.value)} sx={{ mb: 1 }} />
        <Table size="small" aria-label="members">
          <TableHead>
            <TableRow>
              <TableCell>Address</TableCell>
              <TableCell>Name</TableCell>
              <TableCell>Bounces</TableCell>
              <TableCell align="right">Remove</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {visible.length === 0 ? (
              <TableRow>
                <TableCell colSpan={4}>
                  <Typography color="text.secondary">{current.length === 0 ? 'No members yet.' : 'No member matches.'}</Typography>
                </TableCell>
              </TableRow>
            ) : null}
            {visible.slice(0, shown).map((address) => (
              <TableRow key={address}>
                <TableCell>{address}</TableCell>
                <TableCell>{byAddress.get(address)?.name ?? ''}</TableCell>
                <TableCell>
                  <MemberBounces member={byAddress.get(address)} busy={resetting === address} onReenable={() => reenable(address)} />
                </TableCell>
                <TableCell align="right">
                  <IconButton aria-label={`remove ${address}`} size="small" onClick={() => setRemoving(address)} disabled={isPending}>
                    <DeleteIcon fontSize="small" />
                  </IconButton>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {visible.length > shown ? (
          <Box sx={{ mt: 1 }}>
            <Button onClick={() => setShown((n) => n + PAGE)}>Show more ({visible.length - shown} left)</Button>
          </Box>
        ) : null}
        <Confirm
          isOpen={removing !== null}
          title={`Remove ${removing ?? ''}`}
          content={`${removing ?? ''} will no longer receive posts to ${record.address}.`}
          onConfirm={() => {
            const address = removing!;
            setRemoving(null);
            save(
              current.filter((a) => a !== address),
              `${address} removed`,
            );
          }}
          onClose={() => setRemoving(null)}
        />
      </CardContent>
    </Card>
  );
}

/** Bounce count (last bounce on hover), a "disabled" chip, and Re-enable for a bouncing member. */
function MemberBounces({ member, busy, onReenable }: { member: ListMember | undefined; busy: boolean; onReenable: () => void }) {
  // A member added in this session is in the list before the server answered with its state.
  if (!member || !isBouncing(member)) return <Typography variant="body2" color="text.secondary">0</Typography>;
  const address = member.address;
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <Tooltip title={member.lastBounceAt ? `last bounce ${new Date(member.lastBounceAt).toLocaleString()}` : ''}>
        <Typography variant="body2" data-testid={`bounces-${address}`}>
          {member.bounceCount}
        </Typography>
      </Tooltip>
      {member.disabledAt ? <Chip size="small" color="warning" label="disabled" title={`disabled since ${new Date(member.disabledAt).toLocaleString()}`} /> : null}
      <Button size="small" aria-label={`re-enable ${address}`} disabled={busy} onClick={onReenable}>
        Re-enable
      </Button>
    </Stack>
  );
}
