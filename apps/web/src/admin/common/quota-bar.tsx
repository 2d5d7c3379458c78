import { Box, LinearProgress, Typography } from '@mui/material';
import { formatBytes, quotaPercent } from './format';

/** Used / quota as a bar: green, amber from 80 %, red from 95 %; "unlimited" without a quota. */
export function QuotaBar({ used, quota }: { used: number; quota: number }) {
  const percent = quotaPercent(used, quota);
  const label = percent === null ? `${formatBytes(used)} (unlimited)` : `${formatBytes(used)} of ${formatBytes(quota)}`;
  const color = percent === null || percent < 80 ? 'success' : percent < 95 ? 'warning' : 'error';
  return (
    <Box sx={{ minWidth: 140 }} aria-label={`quota: ${label}`}>
      <LinearProgress variant="determinate" value={percent ?? 0} color={color} sx={{ height: 8, borderRadius: 1 }} role="progressbar" aria-valuenow={percent === null ? undefined : Math.round(percent)} />
      <Typography variant="caption" color="text.secondary">
        {label}
      </Typography>
    </Box>
  );
}
