/** 1536 -> "1.5 KB"; binary units, as mail quotas are usually given. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}

/** Share of a quota in use, 0..100; null when there is no quota (0 = unlimited). */
export function quotaPercent(used: number, quota: number): number | null {
  if (!quota || quota <= 0) return null;
  return Math.min(100, Math.max(0, (used / quota) * 100));
}

export const MB = 1024 * 1024;
