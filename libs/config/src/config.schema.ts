import { isIP } from 'node:net';
import { z } from 'zod';

export const ROLES = ['api', 'smtp', 'imap', 'pop3', 'worker', 'managesieve'] as const;
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

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** "90s", "5m", "2h", "5d", "250ms" -> milliseconds. */
function parseDuration(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  return m ? Number(m[1]) * DURATION_UNITS[m[2]!]! : undefined;
}
const durationList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const items = v.split(',').map((s) => parseDuration(s));
      if (items.length === 0 || items.some((ms) => ms === undefined || ms <= 0)) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a list of durations like 5m,10m,1h` });
        return [] as number[];
      }
      return items as number[];
    });
const durationOrOff = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      if (v.trim() === 'off') return 0;
      const ms = parseDuration(v);
      if (ms === undefined || ms <= 0) ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 4h, or off` });
      return ms ?? 0;
    });
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined || ms <= 0) ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 30s, 5m, 2h or 5d` });
      return ms ?? 0;
    });

/** "10.0.0.0/8, 127.0.0.1, ::1/128" -> each entry checked as an IPv4/IPv6 address with an optional prefix length. */
const cidrList = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const entries = v.split(',').map((e) => e.trim()).filter(Boolean);
    for (const entry of entries) {
      const [address = '', prefix, ...rest] = entry.split('/');
      const family = isIP(address);
      const bits = family === 4 ? 32 : 128;
      if (family === 0 || rest.length > 0 || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits))) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not an IP address or CIDR like 10.0.0.0/8` });
      }
    }
    return entries;
  });

/** A DNS list entry: zone=reject, or zone=score:N (N may be negative). */
export interface DnsListEntry {
  zone: string;
  action: 'reject' | 'score';
  score: number;
}

/**
 * "zen.spamhaus.org=reject,bl.spamcop.net=score:3" -> entries; a zone without "=..." gets
 * `bare` (reject for blocklists, score 0 for allowlists).
 */
const dnsListSchema = (bare: 'reject' | 'score', allowReject: boolean) =>
  z
    .string()
    .default('')
    .transform((v, ctx) => {
      const entries: DnsListEntry[] = [];
      for (const item of v.split(',').map((e) => e.trim()).filter(Boolean)) {
        const [zone = '', action] = item.split('=', 2).map((p) => p.trim());
        const score = action?.startsWith('score:') ? Number(action.slice(6)) : 0;
        const okZone = /^(?=.{1,200}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]+$/i.test(zone);
        const okAction = action === undefined || (action === 'reject' && allowReject) || (action.startsWith('score:') && Number.isFinite(score) && action.length > 6);
        if (!okZone || !okAction) {
          ctx.addIssue({ code: 'custom', message: `"${item}" is not zone${allowReject ? '=reject or zone' : ''}=score:N` });
          continue;
        }
        entries.push({ zone: zone.toLowerCase(), action: action === undefined ? bare : action === 'reject' ? 'reject' : 'score', score });
      }
      return entries;
    });

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
    doc: 'Comma-separated roles this process runs: api, smtp, imap, pop3, worker, managesieve.',
    default: ROLES.join(','),
  },
  MAILSTEAD_DATA_DIR: { schema: z.string().default('.mailstead'), doc: 'Where the embedded Postgres, Redis and TLS files live.', default: '.mailstead' },
  DATABASE_URL: { schema: optionalString, doc: 'Postgres URL. Unset: start an embedded Postgres under the data dir.', default: '(embedded)' },
  REDIS_URL: { schema: optionalString, doc: 'Redis URL. Unset: start the system redis-server under the data dir.', default: '(embedded)' },
  MAILSTEAD_EMBEDDED_PG_PORT: { schema: port(54329), doc: 'Port of the embedded Postgres (loopback only).', default: '54329' },
  MAILSTEAD_DATABASE_POOL_SIZE: { schema: positiveInt(20), doc: 'Postgres connections per Mailstead process (SMTP deliveries, IMAP, API and worker share them).', default: '20' },
  MAILSTEAD_EMBEDDED_REDIS_PORT: { schema: port(63799), doc: 'Port of the embedded Redis (loopback only).', default: '63799' },
  MAILSTEAD_HOSTNAME: { schema: z.string().min(1).default('localhost'), doc: 'Host name used in greetings, Received headers and EHLO.', default: 'localhost' },
  MAILSTEAD_BIND: { schema: z.string().min(1).default('127.0.0.1'), doc: 'Address every listener binds to (0.0.0.0 to serve the network).', default: '127.0.0.1' },
  MAILSTEAD_TRUSTED_PROXIES: {
    schema: cidrList,
    doc: 'Comma-separated addresses or CIDRs of reverse proxies in front of the HTTP port. Only requests from these are believed about X-Forwarded-For (the client IP used for login throttling, sessions and the audit log) and X-Forwarded-Proto (Secure cookies); from anyone else the headers are ignored.',
    default: '(none)',
  },
  MAILSTEAD_HTTP_PORT: { schema: port(8080), doc: 'HTTP: webmail, admin, API (/api) and OpenAPI (/api/docs).', default: '8080' },
  MAILSTEAD_SMTP_PORT: { schema: port(2525), doc: 'SMTP MX (inbound, no AUTH).', default: '2525' },
  MAILSTEAD_SUBMISSION_PORT: { schema: port(2587), doc: 'Submission with STARTTLS + AUTH.', default: '2587' },
  MAILSTEAD_SUBMISSIONS_PORT: { schema: port(2465), doc: 'Submission with implicit TLS.', default: '2465' },
  MAILSTEAD_IMAP_PORT: { schema: port(2143), doc: 'IMAP with STARTTLS.', default: '2143' },
  MAILSTEAD_IMAPS_PORT: { schema: port(2993), doc: 'IMAP with implicit TLS.', default: '2993' },
  MAILSTEAD_IMAP_MAX_LINE: { schema: positiveInt(65536), doc: 'Longest IMAP command line accepted, in bytes (literals count separately; APPEND is bounded by MAILSTEAD_MAX_MESSAGE_SIZE).', default: '65536' },
  MAILSTEAD_IMAP_MAX_NESTING: { schema: positiveInt(32), doc: 'Deepest parenthesis nesting accepted in an IMAP command.', default: '32' },
  MAILSTEAD_IMAP_IDLE_TIMEOUT_SECONDS: { schema: positiveInt(1800), doc: 'Seconds an IMAP IDLE, or an authenticated session without commands, lasts before BYE.', default: '1800' },
  MAILSTEAD_IMAP_LOGIN_TIMEOUT_SECONDS: { schema: positiveInt(60), doc: 'Seconds an IMAP connection has to log in.', default: '60' },
  MAILSTEAD_IMAP_MAX_BAD_COMMANDS: { schema: positiveInt(20), doc: 'BAD replies before an IMAP connection is closed with BYE.', default: '20' },
  MAILSTEAD_IMAP_EXPUNGED_RETENTION_DAYS: { schema: positiveInt(90), doc: 'Days the QRESYNC expunge history is kept; a client resyncing after longer gets every missing UID reported instead of the exact list.', default: '90' },
  MAILSTEAD_IMAP_MESSAGE_QUOTA: { schema: z.coerce.number().int().min(0).default(0), doc: 'Most messages per account (0 = no limit): reported as the IMAP QUOTA MESSAGE resource and enforced on IMAP APPEND/COPY, SMTP delivery (452 4.2.2 when full) and the webmail (send, drafts, copy).', default: '0' },
  MAILSTEAD_IMAP_METADATA_MAX_SIZE: { schema: z.coerce.number().int().min(1024).default(65536), doc: 'Largest IMAP METADATA annotation value, in bytes (RFC 5464 needs at least 1024).', default: '65536' },
  MAILSTEAD_IMAP_METADATA_MAX_ENTRIES: { schema: z.coerce.number().int().min(10).default(100), doc: 'Most IMAP METADATA annotations per mailbox, per account, and shared server-wide (RFC 5464 needs at least 10).', default: '100' },
  MAILSTEAD_POP3_PORT: { schema: port(2110), doc: 'POP3 with STLS.', default: '2110' },
  MAILSTEAD_POP3S_PORT: { schema: port(2995), doc: 'POP3 with implicit TLS.', default: '2995' },
  MAILSTEAD_POP3_MAX_LINE: { schema: positiveInt(2048), doc: 'Longest POP3 command line accepted, in bytes (RFC 2449 allows 255; AUTH PLAIN needs more).', default: '2048' },
  MAILSTEAD_POP3_MAX_BAD_COMMANDS: { schema: positiveInt(10), doc: 'Unknown or malformed POP3 commands per session before the connection is closed.', default: '10' },
  MAILSTEAD_POP3_IDLE_TIMEOUT_SECONDS: { schema: positiveInt(600), doc: 'POP3 autologout timer: an idle session is closed after this many seconds (RFC 1939: at least 600).', default: '600' },
  MAILSTEAD_POP3_LOGIN_DELAY_SECONDS: { schema: z.coerce.number().int().min(0).default(0), doc: 'Least seconds between two POP3 logins of one account, advertised as CAPA LOGIN-DELAY (0 = no limit).', default: '0' },
  MAILSTEAD_TLS_CERT: { schema: optionalString, doc: 'PEM certificate chain file. Unset: a self-signed one is made under the data dir.', default: '(self-signed)' },
  MAILSTEAD_TLS_KEY: { schema: optionalString, doc: 'PEM private key file for MAILSTEAD_TLS_CERT.', default: '(self-signed)' },
  MAILSTEAD_PUBLIC_URL: { schema: optionalString, doc: 'Public HTTPS base URL of the web app and API, used in links put into mail (RFC 8058 one-click List-Unsubscribe). Unset: https://<MAILSTEAD_HOSTNAME>.', default: '(https://<hostname>)' },
  MAILSTEAD_SECRET: { schema: optionalString, doc: 'Server secret that signs links in mail (list unsubscribe tokens). Unset: generated once into <data dir>/secret; give every process the same value when roles run on different machines.', default: '(generated)' },
  MAILSTEAD_ADMIN_ADDRESS: { schema: z.string().email().default('admin@mailstead.test'), doc: 'The first admin account, created on first run with its domain; also gets postmaster mail (bare `postmaster`, postmaster@ a domain without that address).', default: 'admin@mailstead.test' },
  MAILSTEAD_ADMIN_PASSWORD: { schema: optionalString, doc: 'Password for that first admin. Unset: one is generated and printed once.', default: '(generated)' },
  MAILSTEAD_INSECURE_AUTH: { schema: bool(false), doc: 'Development only: allow AUTH/LOGIN without TLS from any address.', default: 'false' },
  MAILSTEAD_MIN_FREE_SPACE: { schema: z.coerce.number().int().min(0).optional(), doc: 'Free bytes the data directory\'s file system must keep: below it, new mail is refused at MAIL FROM with 452 4.3.1 and /api/health reports 503.', default: '(1.5 x MAILSTEAD_MAX_MESSAGE_SIZE)' },
  MAILSTEAD_MAX_MESSAGE_SIZE: { schema: positiveInt(50 * 1024 * 1024), doc: 'Largest message accepted, in bytes (SMTP SIZE, IMAP APPENDLIMIT).', default: '52428800' },
  MAILSTEAD_MAX_RECIPIENTS: { schema: positiveInt(100), doc: 'Most recipients per SMTP transaction.', default: '100' },
  MAILSTEAD_SMTP_MAX_CONNECTIONS: { schema: positiveInt(1000), doc: 'Most simultaneous SMTP connections per listener.', default: '1000' },
  MAILSTEAD_SMTP_MAX_CONNECTIONS_PER_IP: { schema: positiveInt(20), doc: 'Most simultaneous SMTP connections from one IP address (421 beyond).', default: '20' },
  MAILSTEAD_SMTP_IDLE_TIMEOUT_SECONDS: { schema: positiveInt(300), doc: 'Seconds an SMTP client may stay silent before 421 and disconnect.', default: '300' },
  MAILSTEAD_SMTP_GREETING_DELAY_MS: { schema: z.coerce.number().int().min(0).max(30_000).default(0), doc: 'MX port: wait this long before the 220 greeting; clients that talk first get 421 (early talkers).', default: '0' },
  MAILSTEAD_SMTP_EXPN: { schema: bool(false), doc: 'Allow EXPN of mailing lists for authenticated users (otherwise 502).', default: 'false' },
  MAILSTEAD_SMTP_SENDER_CHECKS: { schema: bool(true), doc: 'Check SPF, DKIM and DMARC on inbound mail and add Authentication-Results.', default: 'true' },
  MAILSTEAD_SMTP_DMARC_REJECT: { schema: bool(false), doc: 'Refuse (550 5.7.1) inbound mail failing DMARC with p=reject; otherwise file it in Junk.', default: 'false' },
  MAILSTEAD_DEFAULT_QUOTA: { schema: z.coerce.number().int().min(0).default(1024 * 1024 * 1024), doc: 'Default mailbox quota for new accounts, in bytes (0 = unlimited).', default: '1073741824' },
  MAILSTEAD_LOGIN_MAX_FAILURES_PER_IP: { schema: positiveInt(20), doc: 'Failed logins from one IP per window before it is refused.', default: '20' },
  MAILSTEAD_LOGIN_MAX_FAILURES_PER_ACCOUNT: { schema: positiveInt(10), doc: 'Failed logins for one account per window before it is refused.', default: '10' },
  MAILSTEAD_LOGIN_CACHE_SECONDS: { schema: z.coerce.number().int().min(0).default(60), doc: 'Seconds a successful password check is remembered (keyed hash, in memory), so repeated logins skip argon2id; 0 turns it off. Wrong passwords are never cached.', default: '60' },
  MAILSTEAD_LOGIN_WINDOW_SECONDS: { schema: positiveInt(900), doc: 'Length of the login throttling window, in seconds.', default: '900' },
  MAILSTEAD_SEARCH_FILL_BUDGET: { schema: duration('2s'), doc: 'How long a webmail search spends indexing not-yet-indexed messages before it answers with what is indexed, marked as incomplete (the rest is indexed in the background).', default: '2s' },
  MAILSTEAD_LOG_LEVEL: { schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), doc: 'Log level (pino).', default: 'info' },
  MAILSTEAD_LOG_PRETTY: { schema: bool(false), doc: 'Human-readable logs instead of JSON lines.', default: 'false' },
  MAILSTEAD_DNS_SERVERS: { schema: optionalString, doc: 'Comma-separated DNS servers (ip or ip:port) for MX lookups. Unset: the system resolver.', default: '(system)' },
  MAILSTEAD_DELIVERY_PORT: { schema: port(25), doc: 'TCP port of remote MX hosts for outbound delivery.', default: '25' },
  MAILSTEAD_SMARTHOST: { schema: optionalString, doc: 'Relay every outbound message through this host: smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps://... (implicit TLS).', default: '(none: MX lookup)' },
  MAILSTEAD_TRANSPORT_RULES: { schema: optionalString, doc: 'Per-destination-domain routes, comma-separated domain=smtp://host[:port] entries; they win over the smarthost.', default: '(none)' },
  MAILSTEAD_DELIVERY_CONCURRENCY: { schema: positiveInt(10), doc: 'Outbound deliveries in progress at once per worker process.', default: '10' },
  MAILSTEAD_DELIVERY_DOMAIN_CONNECTIONS: { schema: positiveInt(3), doc: 'Simultaneous connections per destination domain per worker process.', default: '3' },
  MAILSTEAD_DELIVERY_RETRY_SCHEDULE: { schema: durationList('5m,10m,20m,40m,60m'), doc: 'Waits between delivery attempts (s/m/h/d units); the last one repeats.', default: '5m,10m,20m,40m,60m' },
  MAILSTEAD_DELIVERY_MAX_AGE: { schema: duration('5d'), doc: 'How long a message may stay queued before it bounces.', default: '5d' },
  MAILSTEAD_DELIVERY_DELAY_WARNING: { schema: durationOrOff('4h'), doc: 'Send the sender one "still trying" DSN when a message has waited this long (off = never).', default: '4h' },
  MAILSTEAD_DELIVERY_TLS_VERIFY: { schema: bool(false), doc: 'Require a valid certificate when STARTTLS is used outbound (opportunistic TLS does not verify by default).', default: 'false' },
  MAILSTEAD_LIST_BOUNCE_THRESHOLD: { schema: z.coerce.number().int().min(0).default(5), doc: 'Bounces (failed list deliveries or DSNs to the list bounce address) after which a list member is disabled or removed; 0 = only count.', default: '5' },
  MAILSTEAD_LIST_BOUNCE_ACTION: { schema: z.enum(['disable', 'remove']).default('disable'), doc: 'What happens to a list member at the bounce threshold: disable (stays on the list, gets no list mail) or remove.', default: 'disable' },
  MAILSTEAD_DELIVERY_LEASE: { schema: duration('60s'), doc: 'A worker holds a claimed outbound row this long, renewed every third of it while the attempt runs; a crashed worker\'s rows are handed out again after it.', default: '60s' },
  MAILSTEAD_DELIVERY_SCAN_INTERVAL: { schema: duration('2s'), doc: 'How often the worker scans Postgres for due outbound rows without a queued job.', default: '2s' },
  MAILSTEAD_CLIENT_PORTS: {
    schema: optionalString,
    doc: 'The ports mail clients are told to use (autoconfig, Autodiscover, the Apple profile, the DNS page\'s SRV records) when a proxy or port mapping puts the listeners elsewhere: `standard` (993, 143, 995, 110, 465, 587), or entries like `imaps=993,submissions=465` (imaps, imap, pop3s, pop3, submissions, submission). Unset: the listeners\' own ports.',
    default: '(the listener ports)',
  },
  MAILSTEAD_MANAGESIEVE_PORT: { schema: port(24190), doc: 'ManageSieve (RFC 5804) with STARTTLS, for Sieve script clients (production: 4190).', default: '24190' },
  MAILSTEAD_MANAGESIEVE_MAX_LINE: { schema: positiveInt(65536), doc: 'Longest ManageSieve command line accepted, in bytes, literals not counted (Pigeonhole\'s managesieve_max_line_length).', default: '65536' },
  MAILSTEAD_MANAGESIEVE_MAX_BAD_COMMANDS: { schema: positiveInt(10), doc: 'Unknown or malformed ManageSieve commands per session before BYE.', default: '10' },
  MAILSTEAD_MANAGESIEVE_IDLE_TIMEOUT_SECONDS: { schema: positiveInt(1800), doc: 'Seconds a ManageSieve session may stay silent before BYE.', default: '1800' },
  MAILSTEAD_SIEVE_MAX_SCRIPT_SIZE: { schema: positiveInt(1024 * 1024), doc: 'Largest Sieve script an account or admin may store, in bytes (ManageSieve QUOTA/MAXSIZE; Pigeonhole\'s sieve_max_script_size).', default: '1048576' },
  MAILSTEAD_SIEVE_MAX_SCRIPTS: { schema: z.coerce.number().int().min(0).default(20), doc: 'Most Sieve scripts per account (ManageSieve QUOTA/MAXSCRIPTS; 0 = no limit, as Pigeonhole\'s sieve_quota_max_scripts).', default: '20' },
  MAILSTEAD_TRUSTED_NETWORKS: { schema: z.preprocess((v) => v ?? '127.0.0.0/8,::1', cidrList), doc: 'Comma-separated addresses or CIDRs of SMTP clients exempt from the MX connection checks (DNS lists, greylisting, HELO/FCrDNS checks, per-IP rates). Empty: none.', default: '127.0.0.0/8,::1' },
  MAILSTEAD_DNSBL: { schema: dnsListSchema('reject', true), doc: 'DNS blocklists for the client IP on the MX: comma-separated zone=reject (554 5.7.1 at RCPT, naming the list) or zone=score:N (a spam score symbol), e.g. zen.spamhaus.org=reject,bl.spamcop.net=score:3. Empty by default: public lists refuse queries from public resolvers or without a key, and their terms are the operator\'s to accept.', default: '(none)' },
  MAILSTEAD_DNSBL_DOMAINS: { schema: dnsListSchema('reject', true), doc: 'Domain blocklists (RHSBL, e.g. dbl.spamhaus.org=reject) checked for the HELO name and the MAIL FROM domain, same syntax as MAILSTEAD_DNSBL.', default: '(none)' },
  MAILSTEAD_DNSWL: { schema: dnsListSchema('score', false), doc: 'DNS allowlists for the client IP: comma-separated zone or zone=score:N (e.g. list.dnswl.org=score:-1). A listed client is not greylisted and not refused by a blocklist (its hits only score).', default: '(none)' },
  MAILSTEAD_DNSBL_TIMEOUT: { schema: duration('1500ms'), doc: 'Bound on the DNS list and reverse-DNS lookups of one SMTP session: they run in parallel from the connection on, and what has not answered by then counts as not listed.', default: '1500ms' },
  MAILSTEAD_GREYLIST: { schema: bool(true), doc: 'Greylist the MX: a first attempt from a (client /24 or /64, sender, recipient) triplet gets 451 4.7.1 and passes when retried after MAILSTEAD_GREYLIST_DELAY. Never for authenticated submission, the webmail, trusted networks, DNSWL-listed clients, or SPF-pass mail from a domain the recipient has sent mail to.', default: 'true' },
  MAILSTEAD_GREYLIST_DELAY: { schema: duration('5m'), doc: 'How long a greylisted sender must wait before a retry passes.', default: '5m' },
  MAILSTEAD_GREYLIST_WINDOW: { schema: duration('36h'), doc: 'How long after the first attempt a retry still passes; later ones start over.', default: '36h' },
  MAILSTEAD_GREYLIST_AUTO_ALLOW: { schema: z.coerce.number().int().min(0).default(5), doc: 'Greylisting passes after which a client network (/24, /64) is no longer greylisted (0 = never).', default: '5' },
  MAILSTEAD_SMTP_RATE_CONNECTIONS: { schema: z.coerce.number().int().min(0).default(60), doc: 'Most MX connections per client IP per minute (421 4.7.0 beyond; 0 = no limit).', default: '60' },
  MAILSTEAD_SMTP_RATE_MESSAGES: { schema: z.coerce.number().int().min(0).default(120), doc: 'Most MX transactions (MAIL FROM) per client IP per minute (451 4.7.1 beyond; 0 = no limit).', default: '120' },
  MAILSTEAD_SMTP_MAX_REFUSED_RECIPIENTS: { schema: z.coerce.number().int().min(0).default(10), doc: 'Unknown recipients (550 5.1.1) one SMTP session may try before 421 4.7.0 and disconnect, against dictionary attacks (0 = no limit).', default: '10' },
  MAILSTEAD_SUBMISSION_RATE_MESSAGES: { schema: z.coerce.number().int().min(0).default(200), doc: 'Most messages an account may send per hour through submission and the webmail (451 4.7.1 beyond, and one audit log entry per hour; 0 = no limit).', default: '200' },
  MAILSTEAD_SUBMISSION_RATE_RECIPIENTS: { schema: z.coerce.number().int().min(0).default(1000), doc: 'Most recipients an account may send to per hour (0 = no limit).', default: '1000' },
  MAILSTEAD_SUBMISSION_RATE_DOMAIN_MESSAGES: { schema: z.coerce.number().int().min(0).default(2000), doc: 'Most messages all accounts of one domain may send per hour together (0 = no limit).', default: '2000' },
  MAILSTEAD_SUBMISSION_RATE_DOMAIN_RECIPIENTS: { schema: z.coerce.number().int().min(0).default(10000), doc: 'Most recipients all accounts of one domain may send to per hour together (0 = no limit).', default: '10000' },
  MAILSTEAD_SRS_DOMAIN: { schema: optionalString, doc: 'Domain of the SRS envelope senders of forwarded mail (aliases to remote addresses, Sieve redirect), e.g. one domain whose SPF record names this server. Unset: the forwarding address\'s own domain.', default: '(the forwarding address\'s domain)' },
  MAILSTEAD_SRS_MAX_AGE: { schema: duration('21d').refine((ms) => ms >= 86_400_000 && ms < 1024 * 86_400_000, 'must be between 1d and 1023d (the SRS timestamp counts days modulo 1024)'), doc: 'How long a bounce to an SRS address is accepted after the forwarded message went out (whole days; postsrsd\'s max-age, 21 days); older ones are refused with 550 5.7.1.', default: '21d' },
  MAILSTEAD_SPAM_FILTER: { schema: bool(true), doc: 'Score mail to the MX with the built-in rules and statistical classifier: X-Spam-Score/X-Spam-Status on each copy, Junk, quarantine or 550 5.7.1 by the thresholds below (per domain and account in the store). Replaced by rspamd when MAILSTEAD_RSPAMD_URL is set.', default: 'true' },
  MAILSTEAD_SPAM_JUNK_SCORE: { schema: z.coerce.number().default(5), doc: 'Spam score at or above which a copy is filed in the recipient\'s Junk (SpamAssassin\'s required_score).', default: '5' },
  MAILSTEAD_SPAM_QUARANTINE_SCORE: { schema: z.coerce.number().default(10), doc: 'Spam score at or above which a copy is held in the recipient\'s quarantine (webmail: Quarantine; release or delete) instead of delivered.', default: '10' },
  MAILSTEAD_SPAM_REJECT_SCORE: { schema: z.coerce.number().default(15), doc: 'Spam score at or above which the message is refused at DATA with 550 5.7.1 (no bounce is ever sent for it); only when every local recipient\'s score reaches its reject threshold.', default: '15' },
  MAILSTEAD_SPAM_AUTOLEARN: { schema: bool(true), doc: 'Train the global classifier on clear cases: spam when the score without the classifier reaches MAILSTEAD_SPAM_AUTOLEARN_SPAM_SCORE, ham when it is at most MAILSTEAD_SPAM_AUTOLEARN_HAM_SCORE and DKIM or DMARC passed.', default: 'true' },
  MAILSTEAD_SPAM_AUTOLEARN_SPAM_SCORE: { schema: z.coerce.number().default(12), doc: 'Score (rules only, the classifier left out) from which a message is auto-learned as spam.', default: '12' },
  MAILSTEAD_SPAM_AUTOLEARN_HAM_SCORE: { schema: z.coerce.number().default(0), doc: 'Score (rules only) up to which an authenticated message is auto-learned as ham.', default: '0' },
  MAILSTEAD_CLAMD: { schema: optionalString.refine((v) => v === undefined || /^(unix:.+|tcp:\/\/[^:/]+:\d+)$/.test(v), 'must be unix:/path/to/clamd.ctl or tcp://host:port'), doc: 'ClamAV daemon to scan mail to the MX with (INSTREAM): unix:/path/to/clamd.ctl or tcp://host:port. Infected mail is refused at DATA with 554 5.7.1 naming the signature. Unset: no malware scan.', default: '(none)' },
  MAILSTEAD_CLAMD_FAILURE: { schema: z.enum(['tempfail', 'pass']).default('tempfail'), doc: 'When clamd cannot be reached or times out: tempfail (451 4.7.1, the sender retries) or pass (delivered with X-Virus-Scan: not scanned).', default: 'tempfail' },
  MAILSTEAD_CLAMD_TIMEOUT: { schema: duration('30s'), doc: 'Longest a clamd scan may take before MAILSTEAD_CLAMD_FAILURE applies.', default: '30s' },
  MAILSTEAD_RSPAMD_URL: { schema: optionalString.refine((v) => v === undefined || /^https?:\/\/[^/]+/.test(v), 'must be an http(s):// URL'), doc: 'rspamd to check mail to the MX with (POST /checkv2 with the envelope); its score and action replace the built-in scoring, and Junk/Not junk training goes to its /learnspam and /learnham (give the controller\'s URL, port 11334, for training). Unset: the built-in filter.', default: '(none)' },
  MAILSTEAD_RSPAMD_PASSWORD: { schema: optionalString, doc: 'Password rspamd\'s controller asks for on /learnspam and /learnham.', default: '(none)' },
  MAILSTEAD_RSPAMD_TIMEOUT: { schema: duration('15s'), doc: 'Longest an rspamd check may take; after it the message is scored by the built-in filter.', default: '15s' },
  MAILSTEAD_METRICS_PORT: { schema: port(0), doc: 'Port of this process\'s Prometheus endpoint (GET /metrics, text format), a listener of its own apart from the web port; 0 = off. Every process (whatever its roles) serves its own.', default: '0' },
  MAILSTEAD_METRICS_BIND: { schema: z.string().min(1).default('127.0.0.1'), doc: 'Address the metrics listener binds to: keep it on loopback or a private network (it has no login).', default: '127.0.0.1' },
} as const;

type Vars = typeof CONFIG_VARIABLES;
export type RawConfig = { [K in keyof Vars]: z.output<Vars[K]['schema']> };

export const configSchema = z.object(
  Object.fromEntries(Object.entries(CONFIG_VARIABLES).map(([k, v]) => [k, v.schema])) as { [K in keyof Vars]: Vars[K]['schema'] },
);
