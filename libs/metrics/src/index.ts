import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The one catalogue of Mailstead's metrics (Prometheus, prom-client), per process: every lib
 * counts into these, the app serves them (`/metrics` on MAILSTEAD_METRICS_PORT). Labels are
 * bounded sets (protocol, command name from the command tables, result, reason code), except
 * `domain` on delivery attempts, which is the destination domain as Postfix's logs have it.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export type Protocol = 'smtp' | 'submission' | 'imap' | 'pop3' | 'managesieve' | 'http';

const secondsBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  connections: new Counter({ name: 'mailstead_connections_total', help: 'Connections accepted, per protocol listener.', labelNames: ['protocol'] as const, registers: [registry] }),
  openConnections: new Gauge({ name: 'mailstead_connections_open', help: 'Connections open now, per protocol.', labelNames: ['protocol'] as const, registers: [registry] }),
  commands: new Counter({ name: 'mailstead_commands_total', help: 'Protocol commands answered, by command and status (IMAP OK/NO/BAD, POP3 +OK/-ERR).', labelNames: ['protocol', 'command', 'status'] as const, registers: [registry] }),
  commandSeconds: new Histogram({ name: 'mailstead_command_duration_seconds', help: 'Time from a command read to its final reply.', labelNames: ['protocol', 'command'] as const, buckets: secondsBuckets, registers: [registry] }),
  imapIdle: new Gauge({ name: 'mailstead_imap_idle_sessions', help: 'IMAP sessions in IDLE now.', registers: [registry] }),
  loginFailures: new Counter({ name: 'mailstead_login_failures_total', help: 'Failed logins (wrong password, throttled, app password required), per protocol.', labelNames: ['protocol', 'reason'] as const, registers: [registry] }),
  smtpMessages: new Counter({
    name: 'mailstead_smtp_messages_total',
    help: 'Messages after DATA: accepted, or refused with the reply code class and enhanced status (e.g. 5.7.1).',
    labelNames: ['listener', 'result', 'status'] as const,
    registers: [registry],
  }),
  smtpRecipients: new Counter({ name: 'mailstead_smtp_recipients_total', help: 'RCPT TO answers: accepted, or refused with the enhanced status.', labelNames: ['listener', 'result', 'status'] as const, registers: [registry] }),
  smtpDataSeconds: new Histogram({ name: 'mailstead_smtp_data_seconds', help: 'Time from the end of DATA to the reply (checks, Sieve, commit).', labelNames: ['listener'] as const, buckets: secondsBuckets, registers: [registry] }),
  localDeliveries: new Counter({ name: 'mailstead_local_deliveries_total', help: 'Copies stored in local mailboxes, by where the message entered.', labelNames: ['source'] as const, registers: [registry] }),
  deliveryAttempts: new Counter({ name: 'mailstead_delivery_attempts_total', help: 'Outbound delivery attempts per destination domain, by result (delivered, deferred, failed).', labelNames: ['result', 'domain'] as const, registers: [registry] }),
  httpSeconds: new Histogram({ name: 'mailstead_http_request_duration_seconds', help: 'HTTP API requests, by route template and status.', labelNames: ['method', 'route', 'status'] as const, buckets: secondsBuckets, registers: [registry] }),
};

/** A gauge whose value is read when scraped (queue depth, pool use): `collect` sets it. */
export function scrapeGauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect: (gauge: Gauge<L>) => Promise<void> | void): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) registry.removeSingleMetric(name);
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      await collect(this);
    },
  });
}

/** Times an async piece of work into a histogram (labels given up front). */
export function startTimer(): () => number {
  const started = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - started) / 1e9;
}

/** The Prometheus text exposition of every metric of this process. */
export function metricsText(): Promise<string> {
  return registry.metrics();
}

export const METRICS_CONTENT_TYPE = registry.contentType;
