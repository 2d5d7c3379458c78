import { Box, Card, CardContent, CardHeader, Chip, Grid, List, ListItem, ListItemText, Typography } from '@mui/material';
import { Link } from 'react-router-dom';
import { Title, useDataProvider } from 'react-admin';
import type { AdminDataProvider } from '../api/data-provider';
import type { AdminStats, QueueRecord } from '../api/admin-types';
import { isMissingEndpoint } from '../api/http-client';
import { formatBytes } from '../common/format';
import { useLoad } from '../common/use-load';
import { TrafficChart } from './traffic-chart';

interface DashboardData {
  stats: AdminStats;
  statsAvailable: boolean;
  failed: QueueRecord[];
}

/** Totals of the list endpoints (Content-Range) when the API has no stats endpoint. */
async function countsFromLists(dp: AdminDataProvider): Promise<AdminStats> {
  const total = async (resource: string, filter: Record<string, unknown> = {}) =>
    (await dp.getList(resource, { pagination: { page: 1, perPage: 1 }, sort: { field: 'id', order: 'ASC' }, filter })).total ?? 0;
  const [domains, users, deferred, failed] = await Promise.all([
    total('domains'),
    total('users'),
    total('queue', { status: 'deferred' }),
    total('queue', { status: 'failed' }),
  ]);
  return { domains, users, queue: { deferred, failed } };
}

export async function loadDashboard(dp: AdminDataProvider): Promise<DashboardData> {
  let stats: AdminStats;
  let statsAvailable = true;
  try {
    stats = await dp.stats();
  } catch (error) {
    if (!isMissingEndpoint(error)) throw error;
    statsAvailable = false;
    stats = await countsFromLists(dp);
  }
  const failed = (await dp.getList<QueueRecord>('queue', { pagination: { page: 1, perPage: 5 }, sort: { field: 'createdAt', order: 'DESC' }, filter: { status: 'failed' } })).data;
  return { stats, statsAvailable, failed };
}

const queueLink = (status: string) => `/queue?filter=${encodeURIComponent(JSON.stringify({ status }))}`;

function Count({ label, value, to }: { label: string; value: string | number | undefined; to?: string }) {
  const body = (
    <Card variant="outlined" sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="overline" color="text.secondary">
          {label}
        </Typography>
        <Typography variant="h4" data-testid={`count-${label.toLowerCase().replace(/\W+/g, '-')}`}>
          {value ?? '—'}
        </Typography>
      </CardContent>
    </Card>
  );
  return to ? (
    <Link to={to} style={{ textDecoration: 'none' }}>
      {body}
    </Link>
  ) : (
    body
  );
}

function TopList({ title, rows }: { title: string; rows: { address: string; count: number }[] | undefined }) {
  return (
    <Card variant="outlined" sx={{ height: '100%' }}>
      <CardHeader title={title} titleTypographyProps={{ variant: 'subtitle1' }} />
      <CardContent sx={{ pt: 0 }}>
        {!rows ? (
          <Typography color="text.secondary">Not reported by the API.</Typography>
        ) : rows.length === 0 ? (
          <Typography color="text.secondary">No messages in the last 7 days.</Typography>
        ) : (
          <List dense>
            {rows.slice(0, 10).map((r) => (
              <ListItem key={r.address} secondaryAction={<Chip size="small" label={r.count} />}>
                <ListItemText primary={r.address} />
              </ListItem>
            ))}
          </List>
        )}
      </CardContent>
    </Card>
  );
}

/** Counts, 7-day traffic, top senders/recipients and the latest failed deliveries. */
export function Dashboard() {
  const dp = useDataProvider<AdminDataProvider>();
  const { data, error, loading } = useLoad(() => loadDashboard(dp), []);
  const stats = data?.stats;
  return (
    <Box sx={{ p: 2 }}>
      <Title title="Dashboard" />
      {error ? <Typography color="error">Could not load the dashboard: {(error as Error).message}</Typography> : null}
      {loading && !data ? <Typography color="text.secondary">Loading…</Typography> : null}
      <Grid container spacing={2}>
        <Grid size={{ xs: 6, md: 2 }}>
          <Count label="Domains" value={stats?.domains} to="/domains" />
        </Grid>
        <Grid size={{ xs: 6, md: 2 }}>
          <Count label="Users" value={stats?.users} to="/users" />
        </Grid>
        <Grid size={{ xs: 6, md: 2 }}>
          <Count label="Today in / out" value={stats?.messagesToday ? `${stats.messagesToday.in} / ${stats.messagesToday.out}` : undefined} />
        </Grid>
        <Grid size={{ xs: 6, md: 2 }}>
          <Count label="Deferred" value={stats?.queue?.deferred} to={queueLink('deferred')} />
        </Grid>
        <Grid size={{ xs: 6, md: 2 }}>
          <Count label="Failed" value={stats?.queue?.failed} to={queueLink('failed')} />
        </Grid>
        <Grid size={{ xs: 6, md: 2 }}>
          <Count label="Storage" value={stats?.storageBytes === undefined ? undefined : formatBytes(stats.storageBytes)} />
        </Grid>
        <Grid size={{ xs: 12 }}>
          <Card variant="outlined">
            <CardHeader title="Messages in and out, last 7 days" titleTypographyProps={{ variant: 'subtitle1' }} />
            <CardContent>
              {stats?.traffic ? <TrafficChart buckets={stats.traffic} /> : <Typography color="text.secondary">{data && !data.statsAvailable ? 'Traffic statistics are not available from this server yet.' : '…'}</Typography>}
            </CardContent>
          </Card>
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <TopList title="Top senders" rows={stats?.topSenders} />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <TopList title="Top recipients" rows={stats?.topRecipients} />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <Card variant="outlined" sx={{ height: '100%' }}>
            <CardHeader title="Recent failed deliveries" titleTypographyProps={{ variant: 'subtitle1' }} />
            <CardContent sx={{ pt: 0 }}>
              {data?.failed.length === 0 ? <Typography color="text.secondary">None.</Typography> : null}
              <List dense>
                {data?.failed.map((q) => (
                  <ListItem key={q.id} component={Link} to={`/queue/${encodeURIComponent(q.id)}/show`} sx={{ color: 'inherit' }}>
                    <ListItemText primary={`${q.sender || '<>'} → ${q.domain}`} secondary={q.lastError ?? 'failed'} />
                  </ListItem>
                ))}
              </List>
            </CardContent>
          </Card>
        </Grid>
      </Grid>
    </Box>
  );
}
