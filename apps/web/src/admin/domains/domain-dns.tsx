import { Alert, Box, Button, Card, CardContent, Chip, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Title, useDataProvider, useGetOne, useNotify } from 'react-admin';
import type { AdminDataProvider } from '../api/data-provider';
import type { DnsRecordCheck, DnsReport, DomainRecord } from '../api/admin-types';
import { isMissingEndpoint } from '../api/http-client';
import { useLoad } from '../common/use-load';
import { expectedDnsRecords, zoneLine } from './dns-records';

interface DnsPageData {
  report: DnsReport;
  /** false: computed here, nothing checked against DNS. */
  live: boolean;
}

/** Records the API lists with the domain (GET /api/admin/domains/:id answers `dns`). */
type DomainWithDns = DomainRecord & { dns?: { type: string; name: string; value: string }[] };

/**
 * The live DNS report when the API has one; else the records the API suggests with the
 * domain (MX, SPF, DMARC, DKIM with the domain's public key) completed with the client
 * autoconfiguration records computed here, none of them checked.
 */
export async function loadDnsReport(dp: AdminDataProvider, id: string, domain: DomainWithDns, fallbackHost: string): Promise<DnsPageData> {
  try {
    return { report: await dp.dns(id), live: true };
  } catch (error) {
    if (!isMissingEndpoint(error)) throw error;
  }
  const suggested = domain.dns ?? [];
  const mx = suggested.find((r) => r.type === 'MX');
  const mailHost = mx ? mx.value.replace(/^\d+\s+/, '').replace(/\.$/, '') : fallbackHost;
  const computed = expectedDnsRecords(domain.name, mailHost);
  const fromApi: DnsRecordCheck[] = suggested.map((r) => ({ ...r, purpose: purposeOf(r, computed) }));
  const key = (r: { type: string; name: string }) => `${r.type} ${r.name.toLowerCase()}`;
  const seen = new Set(fromApi.map(key));
  return { report: { records: [...fromApi, ...computed.filter((r) => !seen.has(key(r)))] }, live: false };
}

function purposeOf(record: { type: string; name: string }, computed: DnsRecordCheck[]): string {
  if (record.name.includes('._domainkey.')) return 'DKIM public key';
  return computed.find((c) => c.type === record.type && c.name.toLowerCase() === record.name.toLowerCase())?.purpose ?? record.type;
}

function StatusChip({ record, live }: { record: DnsRecordCheck; live: boolean }) {
  if (!live || !record.status) return <Chip size="small" label="not checked" variant="outlined" />;
  if (record.status === 'ok') return <Chip size="small" color="success" label="published" />;
  if (record.status === 'error') return <Chip size="small" color="warning" label="lookup failed" />;
  return <Chip size="small" color="error" label={record.status === 'missing' ? 'missing' : 'different'} />;
}

/** The records to publish for one domain, and what DNS says about each of them right now. */
export function DomainDns() {
  const { id = '' } = useParams();
  const dp = useDataProvider<AdminDataProvider>();
  const notify = useNotify();
  const { data: domain } = useGetOne<DomainWithDns>('domains', { id: Number(id) });
  const mailHost = typeof window === 'undefined' ? 'mail.example.com' : window.location.hostname;
  const { data, error, loading, reload } = useLoad(async () => (domain ? loadDnsReport(dp, id, domain, mailHost) : undefined), [id, domain?.id, domain?.name, mailHost]);
  const [rotating, setRotating] = useState(false);
  const records = data?.report.records ?? [];
  const hasDkim = records.some((r) => r.name.includes('._domainkey.'));
  const rotate = async () => {
    setRotating(true);
    try {
      await dp.rotateDkim(id);
      notify('A new DKIM key was generated: publish its record before it signs mail', { type: 'info' });
      reload();
    } catch (e) {
      notify(isMissingEndpoint(e) ? 'DKIM keys cannot be managed from this server yet' : `DKIM: ${(e as Error).message}`, { type: 'warning' });
    } finally {
      setRotating(false);
    }
  };
  return (
    <Box sx={{ p: 2 }}>
      <Title title={`DNS setup: ${domain?.name ?? ''}`} />
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
        <Button variant="contained" onClick={() => void rotate()} disabled={rotating || !data?.live}>
          {hasDkim ? 'Rotate DKIM key' : 'Generate DKIM key'}
        </Button>
      </Stack>
      {error ? <Alert severity="error">Could not load the DNS records: {(error as Error).message}</Alert> : null}
      {data && !data.live ? (
        <Alert severity="info" sx={{ mb: 2 }}>
          This server's API cannot check DNS or generate DKIM keys yet: these are the records to publish{hasDkim ? '' : ` (DKIM once the domain has a key: run "mailstead dkim generate ${domain?.name ?? 'DOMAIN'}")`}. Nothing has been checked against DNS.
        </Alert>
      ) : null}
      {data?.report.checkedAt ? (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Checked {new Date(data.report.checkedAt).toLocaleString()}
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
                  <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all', maxWidth: 420 }}>{r.value}</TableCell>
                  <TableCell>
                    <StatusChip record={r} live={data?.live ?? false} />
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
      {records.length > 0 ? (
        <Card variant="outlined" sx={{ mt: 2 }}>
          <CardContent>
            <Typography variant="subtitle2" gutterBottom>
              Zone file
            </Typography>
            <Box component="pre" sx={{ m: 0, fontSize: 12, overflowX: 'auto' }} data-testid="zone-file">
              {records.map(zoneLine).join('\n')}
            </Box>
          </CardContent>
        </Card>
      ) : null}
    </Box>
  );
}
