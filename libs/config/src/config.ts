import path from 'node:path';
import { configSchema, type DnsListEntry, type RawConfig, type Role } from './config.schema';

export interface ListenerConfig {
  host: string;
  port: number;
}

export interface MailsteadConfig {
  roles: Role[];
  dataDir: string;
  /** bytes the data dir's file system must keep free: below it new mail is refused (452 4.3.1) */
  minFreeSpace: number;
  hostname: string;
  database: { url: string | undefined; embeddedPort: number; poolSize: number };
  redis: { url: string | undefined; embeddedPort: number };
  /** trustedProxies: MAILSTEAD_TRUSTED_PROXIES, the only peers whose X-Forwarded-* headers count. */
  http: ListenerConfig & { trustedProxies: string[] };
  smtp: {
    mx: ListenerConfig;
    submission: ListenerConfig;
    submissions: ListenerConfig;
    maxMessageSize: number;
    maxRecipients: number;
    maxConnections: number;
    maxConnectionsPerIp: number;
    idleTimeoutSeconds: number;
    greetingDelayMs: number;
    allowExpn: boolean;
    senderChecks: boolean;
    dmarcReject: boolean;
  };
  imap: {
    plain: ListenerConfig;
    tls: ListenerConfig;
    maxLineLength: number;
    maxNesting: number;
    idleTimeoutSeconds: number;
    loginTimeoutSeconds: number;
    maxBadCommands: number;
    /** QRESYNC expunge history retention, in days (ImapSyncRepository.pruneExpunged). */
    expungedRetentionDays: number;
    /** QUOTA MESSAGE limit per account; 0 = none. */
    messageQuota: number;
    /** METADATA (RFC 5464) limits. */
    metadataMaxSize: number;
    metadataMaxEntries: number;
  };
  pop3: { plain: ListenerConfig; tls: ListenerConfig; maxLineLength: number; maxBadCommands: number; idleTimeoutSeconds: number; loginDelaySeconds: number };
  tls: { certFile: string | undefined; keyFile: string | undefined; selfSignedDir: string };
  /** Base URL of the web app and API as seen from outside (links in mail), without a trailing slash. */
  publicUrl: string;
  /** Signs links in mail: the configured value, else one generated into `file` at first start. */
  secret: { value: string | undefined; file: string };
  admin: { address: string; password: string | undefined };
  auth: { insecure: boolean; maxFailuresPerIp: number; maxFailuresPerAccount: number; windowSeconds: number; verifiedCacheSeconds: number };
  defaultQuota: number;
  /** Webmail search: time (ms) a search spends filling missing full-text vectors before answering. */
  search: { fillBudgetMs: number };
  log: { level: RawConfig['MAILSTEAD_LOG_LEVEL']; pretty: boolean };
  delivery: DeliveryConfig;
  /** The ports mail clients are told (MAILSTEAD_CLIENT_PORTS), per service. */
  clientPorts: ClientPorts;
  /** The Prometheus listener (MAILSTEAD_METRICS_PORT, 0 = off). */
  metrics: ListenerConfig;
  /** MX connection and envelope checks, and submission rate limits (issue 21 items 1 and 7). */
  smtpDefence: SmtpDefenceConfig;
  /** ManageSieve (RFC 5804) listener, and the Sieve script quotas every way of storing a script applies. */
  managesieve: {
    plain: ListenerConfig;
    maxLineLength: number;
    maxBadCommands: number;
    idleTimeoutSeconds: number;
    /** bytes per script (QUOTA/MAXSIZE) */
    maxScriptSize: number;
    /** scripts per account (QUOTA/MAXSCRIPTS); 0 = no limit */
    maxScripts: number;
  };
  /** Forwarded mail (libs/pipeline forwarding/): SRS envelope senders and how long bounces to them are taken. */
  forwarding: {
    /** MAILSTEAD_SRS_DOMAIN; null: the forwarding address's own domain */
    srsDomain: string | null;
    /** MAILSTEAD_SRS_MAX_AGE in milliseconds (whole days count) */
    srsMaxAge: number;
  };
  /** Message scoring, quarantine, ClamAV and rspamd (libs/spam, issue 21 items 2-6). Durations in milliseconds. */
  spam: SpamConfig;
}

export interface SpamConfig {
  /** the built-in rules and classifier on mail to the MX */
  filter: boolean;
  /** default levels: Junk, quarantine, 550 at DATA (domains and accounts may override them in the store) */
  junkScore: number;
  quarantineScore: number;
  rejectScore: number;
  autolearn: { enabled: boolean; spamScore: number; hamScore: number };
  clamd: { address: string | undefined; failure: 'tempfail' | 'pass'; timeout: number };
  rspamd: { url: string | undefined; password: string | undefined; timeout: number };
}

/** Connection and envelope checks on the MX, outbound rates on submission. Durations in milliseconds; 0 = no limit. */
export interface SmtpDefenceConfig {
  /** clients exempt from the MX checks (CIDRs) */
  trustedNetworks: string[];
  dnsbl: DnsListEntry[];
  dnsblDomains: DnsListEntry[];
  dnswl: DnsListEntry[];
  /** bound on one session's DNS list and reverse-DNS lookups */
  dnsTimeout: number;
  greylist: { enabled: boolean; delay: number; window: number; autoAllow: number };
  /** per client IP per minute */
  rates: { connections: number; messages: number };
  maxRefusedRecipients: number;
  /** per hour: per account and per domain of the account */
  submission: { messages: number; recipients: number; domainMessages: number; domainRecipients: number };
}

/** Mail client services, as RFC 6186 / RFC 8314 name them. */
export const CLIENT_SERVICES = ['imaps', 'imap', 'pop3s', 'pop3', 'submissions', 'submission'] as const;
export type ClientService = (typeof CLIENT_SERVICES)[number];
export type ClientPorts = Record<ClientService, number>;
const STANDARD_CLIENT_PORTS: ClientPorts = { imaps: 993, imap: 143, pop3s: 995, pop3: 110, submissions: 465, submission: 587 };

/** Outbound delivery (libs/delivery). Durations in milliseconds. */
export interface DeliveryConfig {
  /** DNS servers for MX/A lookups ("ip" or "ip:port"); empty = the system's. */
  dnsServers: string[];
  /** Port of remote MX hosts (25; tests aim at loopback ports). */
  port: number;
  /** Relay everything through this URL (smtp:// or smtps://) unless a transport rule matches. */
  smarthost: string | undefined;
  /** Destination domain -> relay URL. */
  transportRules: Record<string, string>;
  concurrency: number;
  connectionsPerDomain: number;
  retrySchedule: number[];
  maxAge: number;
  /** Age at which the sender gets one delay DSN; 0 = never. */
  delayWarning: number;
  tlsVerify: boolean;
  scanInterval: number;
  /** ms a claimed outbound row stays the claiming worker's without a renewal */
  lease: number;
  /** List bounce processing: bounces per member before `listBounceAction`; 0 = only count. */
  listBounceThreshold: number;
  listBounceAction: 'disable' | 'remove';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment once. Throws ConfigError listing every bad variable. */
export function parseConfig(env: Record<string, string | undefined>, cwd = '.'): MailsteadConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = result.data;
  if (Boolean(c.MAILSTEAD_TLS_CERT) !== Boolean(c.MAILSTEAD_TLS_KEY)) {
    throw new ConfigError(['MAILSTEAD_TLS_CERT and MAILSTEAD_TLS_KEY must be set together']);
  }
  const host = c.MAILSTEAD_BIND;
  const dataDir = path.resolve(cwd, c.MAILSTEAD_DATA_DIR);
  return {
    roles: c.MAILSTEAD_ROLES,
    dataDir,
    minFreeSpace: c.MAILSTEAD_MIN_FREE_SPACE ?? Math.round(1.5 * c.MAILSTEAD_MAX_MESSAGE_SIZE),
    hostname: c.MAILSTEAD_HOSTNAME,
    database: { url: c.DATABASE_URL, embeddedPort: c.MAILSTEAD_EMBEDDED_PG_PORT, poolSize: c.MAILSTEAD_DATABASE_POOL_SIZE },
    redis: { url: c.REDIS_URL, embeddedPort: c.MAILSTEAD_EMBEDDED_REDIS_PORT },
    http: { host, port: c.MAILSTEAD_HTTP_PORT, trustedProxies: c.MAILSTEAD_TRUSTED_PROXIES },
    smtp: {
      mx: { host, port: c.MAILSTEAD_SMTP_PORT },
      submission: { host, port: c.MAILSTEAD_SUBMISSION_PORT },
      submissions: { host, port: c.MAILSTEAD_SUBMISSIONS_PORT },
      maxMessageSize: c.MAILSTEAD_MAX_MESSAGE_SIZE,
      maxRecipients: c.MAILSTEAD_MAX_RECIPIENTS,
      maxConnections: c.MAILSTEAD_SMTP_MAX_CONNECTIONS,
      maxConnectionsPerIp: c.MAILSTEAD_SMTP_MAX_CONNECTIONS_PER_IP,
      idleTimeoutSeconds: c.MAILSTEAD_SMTP_IDLE_TIMEOUT_SECONDS,
      greetingDelayMs: c.MAILSTEAD_SMTP_GREETING_DELAY_MS,
      allowExpn: c.MAILSTEAD_SMTP_EXPN,
      senderChecks: c.MAILSTEAD_SMTP_SENDER_CHECKS,
      dmarcReject: c.MAILSTEAD_SMTP_DMARC_REJECT,
    },
    imap: {
      plain: { host, port: c.MAILSTEAD_IMAP_PORT },
      tls: { host, port: c.MAILSTEAD_IMAPS_PORT },
      maxLineLength: c.MAILSTEAD_IMAP_MAX_LINE,
      maxNesting: c.MAILSTEAD_IMAP_MAX_NESTING,
      idleTimeoutSeconds: c.MAILSTEAD_IMAP_IDLE_TIMEOUT_SECONDS,
      loginTimeoutSeconds: c.MAILSTEAD_IMAP_LOGIN_TIMEOUT_SECONDS,
      maxBadCommands: c.MAILSTEAD_IMAP_MAX_BAD_COMMANDS,
      expungedRetentionDays: c.MAILSTEAD_IMAP_EXPUNGED_RETENTION_DAYS,
      messageQuota: c.MAILSTEAD_IMAP_MESSAGE_QUOTA,
      metadataMaxSize: c.MAILSTEAD_IMAP_METADATA_MAX_SIZE,
      metadataMaxEntries: c.MAILSTEAD_IMAP_METADATA_MAX_ENTRIES,
    },
    pop3: {
      plain: { host, port: c.MAILSTEAD_POP3_PORT },
      tls: { host, port: c.MAILSTEAD_POP3S_PORT },
      maxLineLength: c.MAILSTEAD_POP3_MAX_LINE,
      maxBadCommands: c.MAILSTEAD_POP3_MAX_BAD_COMMANDS,
      idleTimeoutSeconds: c.MAILSTEAD_POP3_IDLE_TIMEOUT_SECONDS,
      loginDelaySeconds: c.MAILSTEAD_POP3_LOGIN_DELAY_SECONDS,
    },
    tls: {
      certFile: c.MAILSTEAD_TLS_CERT && path.resolve(cwd, c.MAILSTEAD_TLS_CERT),
      keyFile: c.MAILSTEAD_TLS_KEY && path.resolve(cwd, c.MAILSTEAD_TLS_KEY),
      selfSignedDir: path.join(dataDir, 'tls'),
    },
    publicUrl: (c.MAILSTEAD_PUBLIC_URL ?? `https://${c.MAILSTEAD_HOSTNAME}`).replace(/\/+$/, ''),
    secret: { value: c.MAILSTEAD_SECRET, file: path.join(dataDir, 'secret') },
    admin: { address: c.MAILSTEAD_ADMIN_ADDRESS.toLowerCase(), password: c.MAILSTEAD_ADMIN_PASSWORD },
    auth: {
      insecure: c.MAILSTEAD_INSECURE_AUTH,
      maxFailuresPerIp: c.MAILSTEAD_LOGIN_MAX_FAILURES_PER_IP,
      maxFailuresPerAccount: c.MAILSTEAD_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      windowSeconds: c.MAILSTEAD_LOGIN_WINDOW_SECONDS,
      verifiedCacheSeconds: c.MAILSTEAD_LOGIN_CACHE_SECONDS,
    },
    defaultQuota: c.MAILSTEAD_DEFAULT_QUOTA,
    search: { fillBudgetMs: c.MAILSTEAD_SEARCH_FILL_BUDGET },
    log: { level: c.MAILSTEAD_LOG_LEVEL, pretty: c.MAILSTEAD_LOG_PRETTY },
    delivery: {
      dnsServers: (c.MAILSTEAD_DNS_SERVERS ?? '').split(',').map((v) => v.trim()).filter(Boolean),
      port: c.MAILSTEAD_DELIVERY_PORT,
      smarthost: c.MAILSTEAD_SMARTHOST,
      transportRules: parseTransportRules(c.MAILSTEAD_TRANSPORT_RULES),
      concurrency: c.MAILSTEAD_DELIVERY_CONCURRENCY,
      connectionsPerDomain: c.MAILSTEAD_DELIVERY_DOMAIN_CONNECTIONS,
      retrySchedule: c.MAILSTEAD_DELIVERY_RETRY_SCHEDULE,
      maxAge: c.MAILSTEAD_DELIVERY_MAX_AGE,
      delayWarning: c.MAILSTEAD_DELIVERY_DELAY_WARNING,
      tlsVerify: c.MAILSTEAD_DELIVERY_TLS_VERIFY,
      scanInterval: c.MAILSTEAD_DELIVERY_SCAN_INTERVAL,
      lease: c.MAILSTEAD_DELIVERY_LEASE,
      listBounceThreshold: c.MAILSTEAD_LIST_BOUNCE_THRESHOLD,
      listBounceAction: c.MAILSTEAD_LIST_BOUNCE_ACTION,
    },
    metrics: { host: c.MAILSTEAD_METRICS_BIND, port: c.MAILSTEAD_METRICS_PORT },
    clientPorts: parseClientPorts(c.MAILSTEAD_CLIENT_PORTS, {
      imaps: c.MAILSTEAD_IMAPS_PORT,
      imap: c.MAILSTEAD_IMAP_PORT,
      pop3s: c.MAILSTEAD_POP3S_PORT,
      pop3: c.MAILSTEAD_POP3_PORT,
      submissions: c.MAILSTEAD_SUBMISSIONS_PORT,
      submission: c.MAILSTEAD_SUBMISSION_PORT,
    }),
    managesieve: {
      plain: { host, port: c.MAILSTEAD_MANAGESIEVE_PORT },
      maxLineLength: c.MAILSTEAD_MANAGESIEVE_MAX_LINE,
      maxBadCommands: c.MAILSTEAD_MANAGESIEVE_MAX_BAD_COMMANDS,
      idleTimeoutSeconds: c.MAILSTEAD_MANAGESIEVE_IDLE_TIMEOUT_SECONDS,
      maxScriptSize: c.MAILSTEAD_SIEVE_MAX_SCRIPT_SIZE,
      maxScripts: c.MAILSTEAD_SIEVE_MAX_SCRIPTS,
    },
    smtpDefence: {
      trustedNetworks: c.MAILSTEAD_TRUSTED_NETWORKS,
      dnsbl: c.MAILSTEAD_DNSBL,
      dnsblDomains: c.MAILSTEAD_DNSBL_DOMAINS,
      dnswl: c.MAILSTEAD_DNSWL,
      dnsTimeout: c.MAILSTEAD_DNSBL_TIMEOUT,
      greylist: { enabled: c.MAILSTEAD_GREYLIST, delay: c.MAILSTEAD_GREYLIST_DELAY, window: c.MAILSTEAD_GREYLIST_WINDOW, autoAllow: c.MAILSTEAD_GREYLIST_AUTO_ALLOW },
      rates: { connections: c.MAILSTEAD_SMTP_RATE_CONNECTIONS, messages: c.MAILSTEAD_SMTP_RATE_MESSAGES },
      maxRefusedRecipients: c.MAILSTEAD_SMTP_MAX_REFUSED_RECIPIENTS,
      submission: {
        messages: c.MAILSTEAD_SUBMISSION_RATE_MESSAGES,
        recipients: c.MAILSTEAD_SUBMISSION_RATE_RECIPIENTS,
        domainMessages: c.MAILSTEAD_SUBMISSION_RATE_DOMAIN_MESSAGES,
        domainRecipients: c.MAILSTEAD_SUBMISSION_RATE_DOMAIN_RECIPIENTS,
      },
    },
    forwarding: { srsDomain: c.MAILSTEAD_SRS_DOMAIN?.toLowerCase() ?? null, srsMaxAge: c.MAILSTEAD_SRS_MAX_AGE },
    spam: {
      filter: c.MAILSTEAD_SPAM_FILTER,
      junkScore: c.MAILSTEAD_SPAM_JUNK_SCORE,
      quarantineScore: c.MAILSTEAD_SPAM_QUARANTINE_SCORE,
      rejectScore: c.MAILSTEAD_SPAM_REJECT_SCORE,
      autolearn: { enabled: c.MAILSTEAD_SPAM_AUTOLEARN, spamScore: c.MAILSTEAD_SPAM_AUTOLEARN_SPAM_SCORE, hamScore: c.MAILSTEAD_SPAM_AUTOLEARN_HAM_SCORE },
      clamd: { address: c.MAILSTEAD_CLAMD, failure: c.MAILSTEAD_CLAMD_FAILURE, timeout: c.MAILSTEAD_CLAMD_TIMEOUT },
      rspamd: { url: c.MAILSTEAD_RSPAMD_URL?.replace(/\/+$/, ''), password: c.MAILSTEAD_RSPAMD_PASSWORD, timeout: c.MAILSTEAD_RSPAMD_TIMEOUT },
    },
  };
}

/** "standard", or "imaps=993,submission=587" over the listeners' ports. */
function parseClientPorts(text: string | undefined, listeners: ClientPorts): ClientPorts {
  if (text === undefined) return listeners;
  if (text === 'standard') return { ...STANDARD_CLIENT_PORTS };
  const ports = { ...listeners };
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name = '', value = ''] = entry.split('=');
    const port = Number(value);
    if (!(CLIENT_SERVICES as readonly string[]).includes(name) || !/^\d+$/.test(value) || port < 1 || port > 65535) {
      throw new ConfigError([`MAILSTEAD_CLIENT_PORTS: "${entry}" is not service=port (services: ${CLIENT_SERVICES.join(', ')}), nor is the value "standard"`]);
    }
    ports[name as ClientService] = port;
  }
  return ports;
}

/** "example.com=smtp://relay:25,other.org=smtps://relay2" -> { domain: url }. */
function parseTransportRules(text: string | undefined): Record<string, string> {
  const rules: Record<string, string> = {};
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || !/^smtps?:\/\//.test(entry.slice(eq + 1))) {
      throw new ConfigError([`MAILSTEAD_TRANSPORT_RULES: "${entry}" is not domain=smtp://host[:port]`]);
    }
    rules[entry.slice(0, eq).toLowerCase()] = entry.slice(eq + 1);
  }
  return rules;
}

let cached: MailsteadConfig | undefined;

/** The process-wide configuration, read from the environment on first use. */
export function loadConfig(): MailsteadConfig {
  cached ??= parseConfig(process.env, process.cwd());
  return cached;
}
