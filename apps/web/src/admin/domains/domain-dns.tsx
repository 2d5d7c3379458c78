import { Alert, Box, Button, Card, CardContent, Chip, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Title, useDataProvider, useGetOne, useNotify } from 'react-admin';
import { zoneFileLine } from '@mailstead/contracts';
import type { AdminDataProvider } from '../api/data-provider';
import type { DnsRecordCheck, DomainRecord } from '../api/admin-types';
import { isMissingEndpoint } from '../api/http-client';
import { CopyButton } from '../common/copy-button';
import { useLoad } from '../common/use-load';

/** The zone file of the records that have a value (a domain without a DKIM key has none for it yet). */
export function zoneFile(records: DnsRecordCheck[]): string {
  return records
    .filter((r) => r.value)
    .map((r) => zoneFileLine(r, 3600))
    .join('\n');
}

function StatusChip({ record }: { record: DnsRecordCheck }) {
  if (!record.status) return <Chip size="small" label="not checked" variant="outlined" />;
  if (record.status === 'ok') return <Chip size="small" color="success" label="published" />;
  if (record.status === 'error') return <Chip size="small" color="warning" label="lookup failed" />;
  return <Chip size="small" color="error" label={record.status === 'missing' ? 'missing' : 'different'} />;
}

/** The records to publish for one domain, and what DNS says about each of them right now. */
export function DomainDns() {
  const { id = '' } = useParams();
  const dp = useDataProvider<AdminDataProvider>();
  const notify = useNotify();
  const { data: domain } = useGetOne<DomainRecord>('domains', { id: Number(id) });
  const { data: report, error, loading, reload } = useLoad(() => dp.dns(id), [id]);
  const [rotating, setRotating] = useState(false);
  const records = report?.records ?? [];
  const hasDkim = records.some((r) => r.name.includes('._domainkey.') && r.value);
  const zone = zoneFile(records);
  const rotate = async () => {
    setRotating(true);
    try {
      await dp.rotateDkim(id);
      notify('A new DKIM key was generated: publish its record before it signs mail', { type: 'info' });
      reload();
    } catch (e) {
      notify(isMissingEndpoint(e) ? 'DKIM keys cannot be managed from this server' : `DKIM: ${(e as Error).message}`, { type: 'warning' });
    } finally {
      setRotating(false);
    }
  };
  return (
    <Box sx={{ p: 2 }}>
      <Title title={`DNS setup: ${domain?.name ?? ''}`} />
      {report?.hostnameProblem ? (
        <Alert severity="warning" sx={{ mb: 2 }} data-testid="hostname-problem">
          {report.hostnameProblem}
        </Alert>
      ) : null}
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: 'center' }}>
        <Typography variant="h5" sx={{ flexGrow: 1 }}>
          DNS records for {domain?.name ?? '…'}
        </Typography>
        <Button component={Link} to={`/domains/${id}`}>
          Back to domain
        </Button>
        <Button variant="outlined" onClick={reload} disabled={loading}>
          Check again
        </Button>
        <Button variant="contained" onClick={() => void rotate()} disabled={rotating || !report}>
          {hasDkim ? 'Rotate DKIM key' : 'Generate DKIM key'}
        </Button>
      </Stack>
      {error ? <Alert severity="error">Could not load the DNS records: {(error as Error).message}</Alert> : null}
      {report?.checkedAt ? (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Checked {new Date(report.checkedAt).toLocaleString()}
          {report.hostname ? ` for the mail server ${report.hostname}` : ''}
        </Typography>
      ) : null}
      <Card variant="outlined">
        <CardContent>
          <Table size="small" aria-label="DNS records">
            <TableHead>
              <TableRow>
                <TableCell>Purpose</TableCell>
                <TableCell>Type</TableCell>
                <TableCell>Name</TableCell>
                <TableCell>Value to publish</TableCell>
                <TableCell>Now in DNS</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {records.map((r) => (
                <TableRow key={`${r.type} ${r.name} ${r.purpose}`}>
                  <TableCell>{r.purpose}</TableCell>
                  <TableCell>{r.type}</TableCell>
                  <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{r.name}</TableCell>
                  <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all', maxWidth: 420 }}>
                    <Stack direction="row" spacing={0.5} sx={{ alignItems: 'flex-start' }}>
                      <Box sx={{ flexGrow: 1 }}>{r.value || <Typography variant="body2">{r.note}</Typography>}</Box>
                      {r.value ? <CopyButton icon text={r.value} label={`Copy the ${r.purpose} value`} /> : null}
                    </Stack>
                  </TableCell>
                  <TableCell>
                    <StatusChip record={r} />
                    {r.status && r.status !== 'ok' && r.found && r.found.length > 0 ? (
                      <Typography variant="caption" component="div" sx={{ fontFamily: 'monospace' }}>
                        found: {r.found.join(', ')}
                      </Typography>
                    ) : null}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      {zone ? (
        <Card variant="outlined" sx={{ mt: 2 }}>
          <CardContent>
            <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }}>
              <Typography variant="subtitle2" sx={{ flexGrow: 1 }}>
                Zone file
              </Typography>
              <CopyButton text={zone} label="Copy the zone file" />
            </Stack>
            <Box component="pre" sx={{ m: 0, fontSize: 12, overflowX: 'auto' }} data-testid="zone-file">
              {zone}
            </Box>
          </CardContent>
        </Card>
      ) : null}
    </Box>
  );
}
