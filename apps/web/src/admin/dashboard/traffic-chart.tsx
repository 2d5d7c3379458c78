import { Box, Typography, useTheme } from '@mui/material';

export interface TrafficBucket {
  at: string;
  in: number;
  out: number;
}

/** Paired bars (in, out) per bucket, drawn as SVG: no chart library for one small chart. */
export function TrafficChart({ buckets, height = 180 }: { buckets: TrafficBucket[]; height?: number }) {
  const theme = useTheme();
  if (buckets.length === 0) return <Typography color="text.secondary">No traffic in the last 7 days.</Typography>;
  const max = Math.max(1, ...buckets.map((b) => Math.max(b.in, b.out)));
  const width = 720;
  const plot = height - 24;
  const slot = width / buckets.length;
  const bar = Math.max(1, slot / 2 - 1);
  const daily = buckets.length <= 14;
  const label = (at: string) => {
    const d = new Date(at);
    return daily ? d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' }) : d.toLocaleString(undefined, { weekday: 'short', hour: '2-digit' });
  };
  const every = Math.ceil(buckets.length / 7);
  return (
    <Box>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="messages in and out over the last 7 days">
        <line x1={0} x2={width} y1={plot} y2={plot} stroke={theme.palette.divider} />
        {buckets.map((b, i) => {
          const x = i * slot;
          const hIn = (b.in / max) * (plot - 4);
          const hOut = (b.out / max) * (plot - 4);
          return (
            <g key={b.at}>
              <title>{`${label(b.at)}: ${b.in} in, ${b.out} out`}</title>
              <rect x={x + 1} y={plot - hIn} width={bar} height={hIn} fill={theme.palette.primary.main} />
              <rect x={x + 1 + bar} y={plot - hOut} width={bar} height={hOut} fill={theme.palette.secondary.main} />
              {i % every === 0 && (
                <text x={x + 2} y={height - 6} fontSize={11} fill={theme.palette.text.secondary}>
                  {label(b.at)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <Box sx={{ display: 'flex', gap: 2, fontSize: 13 }}>
        <span>
          <Box component="span" sx={{ display: 'inline-block', width: 10, height: 10, bgcolor: 'primary.main', mr: 0.5 }} />
          in (max {max})
        </span>
        <span>
          <Box component="span" sx={{ display: 'inline-block', width: 10, height: 10, bgcolor: 'secondary.main', mr: 0.5 }} />
          out
        </span>
      </Box>
    </Box>
  );
}
