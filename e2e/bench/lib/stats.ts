export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function summarize(latenciesMs: number[]): { p50: number; p99: number; count: number } {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), count: sorted.length };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A 10 KB-ish plain message with a unique Message-ID. */
export function benchMessage(n: number, bodyBytes = 10_000): Buffer {
  const line = 'The quick brown fox jumps over the lazy dog. Lorem ipsum dolor sit amet, consectetur.\r\n';
  const body = line.repeat(Math.ceil(bodyBytes / line.length)).slice(0, bodyBytes);
  return Buffer.from(
    [
      'From: Bench Sender <sender@bench.test>',
      'To: reader@bench.test',
      `Subject: Benchmark message ${n}`,
      `Date: ${new Date(Date.UTC(2026, 10, 1) + n * 60_000).toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <bench-${n}@bench.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      body,
    ].join('\r\n'),
  );
}

export function machine(): string {
  return `${process.platform} ${process.arch}, node ${process.version}`;
}
