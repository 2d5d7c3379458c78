import pino, { type Logger } from 'pino';
import type { MailsteadConfig } from '@mailstead/config';

export type { Logger };

/** Structured logs; credentials and message bodies never reach them. */
export function createLogger(config: Pick<MailsteadConfig, 'log'>): Logger {
  return pino({
    level: config.log.level,
    base: { service: 'mailstead' },
    redact: { paths: ['password', '*.password', 'auth', '*.auth', 'pass', '*.pass', 'raw', '*.raw'], censor: '[redacted]' },
    ...(config.log.pretty ? { transport: { target: 'pino/file', options: { destination: 1 } } } : {}),
  });
}
