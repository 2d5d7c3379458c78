import http from 'node:http';
import type { ListenerConfig } from '@mailstead/config';
import { METRICS_CONTENT_TYPE, metricsText, scrapeGauge } from '@mailstead/metrics';
import type { Store } from '@mailstead/store';

/**
 * This process's Prometheus endpoint (MAILSTEAD_METRICS_PORT): GET /metrics in the text format,
 * on a listener of its own (no login: bind it to loopback or a private network). The database
 * gauges (queue depth, pool use) are read when scraped.
 */
export async function startMetricsListener(listener: ListenerConfig, store: Store): Promise<{ port: number; close(): Promise<void> }> {
  scrapeGauge('mailstead_queue_messages', 'Outbound rows in the queue, by state (the database\'s, the same from every process).', ['state'], async (gauge) => {
    gauge.reset();
    for (const { status, count } of await store.outbound.countByStatus()) gauge.set({ state: status }, count);
  });
  scrapeGauge('mailstead_db_pool_connections', 'Postgres connections of this process: open, idle, and queries waiting for one.', ['kind'], (gauge) => {
    const use = store.poolUse();
    gauge.set({ kind: 'open' }, use.total);
    gauge.set({ kind: 'idle' }, use.idle);
    gauge.set({ kind: 'waiting' }, use.waiting);
  });
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics\n');
      return;
    }
    metricsText().then(
      (text) => response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listener.port, listener.host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
