import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, type MailsteadConfig } from '@mailstead/config';
import { freePort } from './ports';
import { redisUrl } from './test-database';

const LISTENER_PORTS = ['HTTP', 'SMTP', 'SUBMISSION', 'SUBMISSIONS', 'IMAP', 'IMAPS', 'POP3', 'POP3S', 'MANAGESIEVE'] as const;

/**
 * The runtime config of a test, through the real parser: the run's Redis, the api role only, a
 * fresh data directory, listeners on loopback at free ports, warn-level logs; `env` (DATABASE_URL,
 * roles, ports the test must know, ...) goes on top.
 */
export async function runtimeConfig(env: Record<string, string | undefined> = {}): Promise<MailsteadConfig> {
  const defaults: Record<string, string> = {
    REDIS_URL: redisUrl(),
    MAILSTEAD_ROLES: 'api',
    MAILSTEAD_BIND: '127.0.0.1',
    MAILSTEAD_LOG_LEVEL: 'warn',
  };
  if (env.MAILSTEAD_DATA_DIR === undefined) defaults.MAILSTEAD_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-test-'));
  for (const name of LISTENER_PORTS) {
    const key = `MAILSTEAD_${name}_PORT`;
    if (env[key] === undefined) defaults[key] = String(await freePort());
  }
  return parseConfig({ ...defaults, ...env });
}
