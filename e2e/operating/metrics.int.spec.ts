// /metrics (issue 23 item 5) as Prometheus scrapes it: the server as it runs
// (runtime/server.ts with the api, smtp and imap roles and MAILSTEAD_METRICS_PORT), a scripted
// session with real clients (raw SMTP, imapflow, HTTP), and the counters checked to have moved
// by exactly what the session did.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, freePort, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import type { MailsteadConfig } from '@mailstead/config';
import { mail, SmtpTalk } from '../../libs/smtp/src/test-support/smtp-harness';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';

let db: TestDatabase;
let server: RunningServer;
let config: MailsteadConfig;
let metricsPort: number;

/** One scrape: `name{labels}` -> value, parsed from the text format. */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const out = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_:]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}
const value = (s: Map<string, number>, key: string) => s.get(key) ?? 0;

beforeAll(async () => {
  db = await createTestDatabase();
  metricsPort = await freePort();
  config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'api,smtp,imap',
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_SPAM_FILTER: 'false',
    MAILSTEAD_ADMIN_ADDRESS: 'postmaster@metrics.test',
    MAILSTEAD_METRICS_PORT: String(metricsPort),
  });
  server = await startServer(config, createLogger(config));
  await db.store.accounts.create({ address: 'mia@metrics.test', passwordHash: await hashPassword('mia-password-1') });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

describe('/metrics', () => {
  it('counts what a scripted session did: SMTP accepted and refused, deliveries, IMAP commands and login failures, API requests', async () => {
    const before = await scrape();

    const smtp = await SmtpTalk.connect(config.smtp.mx.port);
    expect(await smtp.cmd('EHLO client.remote.test')).toMatch(/^250/);
    expect(await smtp.cmd('MAIL FROM:<someone@remote.test>')).toMatch(/^250/);
    expect(await smtp.cmd('RCPT TO:<nobody@metrics.test>')).toMatch(/^550 5\.1\.1/);
    expect(await smtp.cmd('RCPT TO:<mia@metrics.test>')).toMatch(/^250/);
    expect(await smtp.data(mail({ Subject: 'counted' }))).toMatch(/^250/);
    await smtp.cmd('QUIT');
    smtp.close();

    const wrong = new ImapFlow({ host: '127.0.0.1', port: config.imap.plain.port, secure: false, tls: { rejectUnauthorized: false }, auth: { user: 'mia@metrics.test', pass: 'wrong-password' }, logger: false });
    await expect(wrong.connect()).rejects.toThrow();
    const imap = new ImapFlow({ host: '127.0.0.1', port: config.imap.plain.port, secure: false, tls: { rejectUnauthorized: false }, auth: { user: 'mia@metrics.test', pass: 'mia-password-1' }, logger: false });
    await imap.connect();
    await imap.noop();
    await imap.logout();

    expect((await fetch(`http://127.0.0.1:${config.http.port}/api/health`)).status).toBeLessThan(600);

    const after = await scrape();
    const delta = (key: string) => value(after, key) - value(before, key);
    expect(delta('mailstead_smtp_messages_total{listener="mx",result="accepted",status="2.0.0"}')).toBe(1);
    expect(delta('mailstead_smtp_recipients_total{listener="mx",result="refused",status="5.1.1"}')).toBe(1);
    expect(delta('mailstead_smtp_recipients_total{listener="mx",result="accepted",status="2.1.5"}')).toBe(1);
    expect(delta('mailstead_local_deliveries_total{source="mx"}')).toBe(1);
    expect(delta('mailstead_smtp_data_seconds_count{listener="mx"}')).toBe(1);
    expect(delta('mailstead_connections_total{protocol="smtp"}')).toBe(1);
    expect(delta('mailstead_connections_total{protocol="imap"}')).toBe(2);
    expect(delta('mailstead_login_failures_total{protocol="imap",reason="invalid"}')).toBe(1);
    expect(delta('mailstead_commands_total{protocol="imap",command="NOOP",status="OK"}')).toBe(1);
    expect(delta('mailstead_command_duration_seconds_count{protocol="imap",command="NOOP"}')).toBe(1);
    expect(delta('mailstead_http_request_duration_seconds_count{method="GET",route="/api/health",status="200"}') + delta('mailstead_http_request_duration_seconds_count{method="GET",route="/api/health",status="503"}')).toBe(1);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(after.get('mailstead_db_pool_connections{kind="open"}')).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  }, 60_000);
});
