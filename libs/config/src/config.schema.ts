import { z } from 'zod';

export const ROLES = ['api', 'smtp', 'imap', 'pop3', 'worker'] as const;
export type Role = (typeof ROLES)[number];

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * Every environment variable Mailstead reads, with its default and a one-line meaning.
 * README.md's configuration table is checked against this list by a test.
 */
export const CONFIG_VARIABLES = {
  MAILSTEAD_ROLES: {
    schema: z
      .string()
      .default(ROLES.join(','))
      .transform((v, ctx) => {
        const roles = v
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
        for (const r of roles) {
          if (!(ROLES as readonly string[]).includes(r)) {
            ctx.addIssue({ code: 'custom', message: `unknown role "${r}" (expected ${ROLES.join('|')})` });
          }
        }
        return [...new Set(roles)] as Role[];
      }),
    doc: 'Comma-separated roles this process runs: api, smtp, imap, pop3, worker.',
    default: ROLES.join(','),
  },
  MAILSTEAD_DATA_DIR: { schema: z.string().default('.mailstead'), doc: 'Where the embedded Postgres, Redis and TLS files live.', default: '.mailstead' },
  DATABASE_URL: { schema: optionalString, doc: 'Postgres URL. Unset: start an embedded Postgres under the data dir.', default: '(embedded)' },
  REDIS_URL: { schema: optionalString, doc: 'Redis URL. Unset: start the system redis-server under the data dir.', default: '(embedded)' },
  MAILSTEAD_EMBEDDED_PG_PORT: { schema: port(54329), doc: 'Port of the embedded Postgres (loopback only).', default: '54329' },
  MAILSTEAD_EMBEDDED_REDIS_PORT: { schema: port(63799), doc: 'Port of the embedded Redis (loopback only).', default: '63799' },
  MAILSTEAD_HOSTNAME: { schema: z.string().min(1).default('localhost'), doc: 'Host name used in greetings, Received headers and EHLO.', default: 'localhost' },
  MAILSTEAD_BIND: { schema: z.string().min(1).default('127.0.0.1'), doc: 'Address every listener binds to (0.0.0.0 to serve the network).', default: '127.0.0.1' },
  MAILSTEAD_HTTP_PORT: { schema: port(8080), doc: 'HTTP: webmail, admin, API (/api) and OpenAPI (/api/docs).', default: '8080' },
  MAILSTEAD_SMTP_PORT: { schema: port(2525), doc: 'SMTP MX (inbound, no AUTH).', default: '2525' },
  MAILSTEAD_SUBMISSION_PORT: { schema: port(2587), doc: 'Submission with STARTTLS + AUTH.', default: '2587' },
  MAILSTEAD_SUBMISSIONS_PORT: { schema: port(2465), doc: 'Submission with implicit TLS.', default: '2465' },
  MAILSTEAD_IMAP_PORT: { schema: port(2143), doc: 'IMAP with STARTTLS.', default: '2143' },
  MAILSTEAD_IMAPS_PORT: { schema: port(2993), doc: 'IMAP with implicit TLS.', default: '2993' },
  MAILSTEAD_POP3_PORT: { schema: port(2110), doc: 'POP3 with STLS.', default: '2110' },
  MAILSTEAD_POP3S_PORT: { schema: port(2995), doc: 'POP3 with implicit TLS.', default: '2995' },
  MAILSTEAD_TLS_CERT: { schema: optionalString, doc: 'PEM certificate chain file. Unset: a self-signed one is made under the data dir.', default: '(self-signed)' },
  MAILSTEAD_TLS_KEY: { schema: optionalString, doc: 'PEM private key file for MAILSTEAD_TLS_CERT.', default: '(self-signed)' },
  MAILSTEAD_ADMIN_ADDRESS: { schema: z.string().email().default('admin@mailstead.test'), doc: 'The first admin account, created on first run with its domain.', default: 'admin@mailstead.test' },
  MAILSTEAD_ADMIN_PASSWORD: { schema: optionalString, doc: 'Password for that first admin. Unset: one is generated and printed once.', default: '(generated)' },
  MAILSTEAD_INSECURE_AUTH: { schema: bool(false), doc: 'Development only: allow AUTH/LOGIN without TLS from any address.', default: 'false' },
  MAILSTEAD_MAX_MESSAGE_SIZE: { schema: positiveInt(50 * 1024 * 1024), doc: 'Largest message accepted, in bytes (SMTP SIZE, IMAP APPENDLIMIT).', default: '52428800' },
  MAILSTEAD_MAX_RECIPIENTS: { schema: positiveInt(100), doc: 'Most recipients per SMTP transaction.', default: '100' },
  MAILSTEAD_DEFAULT_QUOTA: { schema: z.coerce.number().int().min(0).default(1024 * 1024 * 1024), doc: 'Default mailbox quota for new accounts, in bytes (0 = unlimited).', default: '1073741824' },
  MAILSTEAD_LOGIN_MAX_FAILURES_PER_IP: { schema: positiveInt(20), doc: 'Failed logins from one IP per window before it is refused.', default: '20' },
  MAILSTEAD_LOGIN_MAX_FAILURES_PER_ACCOUNT: { schema: positiveInt(10), doc: 'Failed logins for one account per window before it is refused.', default: '10' },
  MAILSTEAD_LOGIN_WINDOW_SECONDS: { schema: positiveInt(900), doc: 'Length of the login throttling window, in seconds.', default: '900' },
  MAILSTEAD_LOG_LEVEL: { schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), doc: 'Log level (pino).', default: 'info' },
  MAILSTEAD_LOG_PRETTY: { schema: bool(false), doc: 'Human-readable logs instead of JSON lines.', default: 'false' },
} as const;

type Vars = typeof CONFIG_VARIABLES;
export type RawConfig = { [K in keyof Vars]: z.output<Vars[K]['schema']> };

export const configSchema = z.object(
  Object.fromEntries(Object.entries(CONFIG_VARIABLES).map(([k, v]) => [k, v.schema])) as { [K in keyof Vars]: Vars[K]['schema'] },
);
