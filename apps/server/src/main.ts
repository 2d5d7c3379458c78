import { ConfigError, loadConfig } from '@mailstead/config';
import { DataDirInUseError, RedisNotInstalledError } from '@mailstead/store';
import { createLogger } from './runtime/logger';
import { startServer } from './runtime/server';
import { prepareWebApp } from './runtime/web-build';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config);
  let server;
  try {
    // Built (when missing or stale) while Postgres and Redis come up.
    const webApp = config.roles.includes('api') ? prepareWebApp(log) : undefined;
    server = await startServer(config, log, { webApp });
  } catch (error) {
    if (error instanceof RedisNotInstalledError || error instanceof DataDirInUseError) {
      console.error(`mailstead: ${error.message}`);
      process.exit(1);
    }
    log.fatal({ err: error }, 'mailstead could not start');
    process.exit(1);
  }

  const base = `http://${config.http.host}:${config.http.port}`;
  const lines = ['', `  Mailstead is running (roles: ${config.roles.join(', ')})`];
  const web = server.webApp;
  if (web?.dir) lines.push(`  Webmail:        ${base}/mail`, `  Admin console:  ${base}/admin`);
  if (web?.problem) lines.push(`  WEB APP ${web.dir ? 'OUT OF DATE' : 'NOT AVAILABLE'}: ${web.problem}`);
  if (web) lines.push(`  API:            ${base}/api   (health: /api/health, docs: /api/docs)`);
  lines.push(
    `  SMTP ${config.smtp.mx.port}, submission ${config.smtp.submission.port}/${config.smtp.submissions.port}, IMAP ${config.imap.plain.port}/${config.imap.tls.port}, POP3 ${config.pop3.plain.port}/${config.pop3.tls.port}, ManageSieve ${config.managesieve.plain.port}`,
  );
  if (server.firstAdmin) {
    lines.push(`  First run: created the admin account ${server.firstAdmin.address}`);
    if (server.firstAdmin.generated) lines.push(`  Its password (shown only this once): ${server.firstAdmin.password}`);
  }
  console.log(`${lines.join('\n')}\n`);

  // One Ctrl-C can arrive twice (from the terminal and relayed by npm/tsx): only a second
  // signal well after the first forces the exit.
  let stoppingSince: number | undefined;
  const stop = (signal: string) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < 2000) return;
      console.error('mailstead: forced exit');
      server.killNow();
      process.exit(130);
    }
    stoppingSince = Date.now();
    log.info({ signal }, 'stopping');
    // a last bound over the bounded steps: the process always ends
    setTimeout(() => {
      console.error('mailstead: shutdown took longer than 30 s; forced exit');
      server.killNow();
      process.exit(1);
    }, 30_000).unref();
    server.stop().then(
      () => {
        log.info('mailstead stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
