import { passwordsAllowed, type Authenticator } from '@mailstead/auth';
import type { DnsResolver, ListBouncePolicy, ListLinks, RecipientResolver, SmtpDefence, SpamPipelineOptions } from '@mailstead/pipeline';
import type { Store } from '@mailstead/store';
import type { SMTPServerSession } from 'smtp-server';

/** The three listeners (docs/architecture.md): MX without AUTH, submission with STARTTLS, submission over implicit TLS. */
export type ListenerKind = 'mx' | 'submission' | 'submissions';

export interface SmtpLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface SmtpLimits {
  maxMessageSize: number;
  maxRecipients: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  idleTimeoutSeconds: number;
  /** MX only: pause before the greeting; early talkers are refused (421) */
  greetingDelayMs: number;
  /** unknown recipients (550 5.1.1) a session may try before 421 and disconnect (MAILSTEAD_SMTP_MAX_REFUSED_RECIPIENTS); 0 or absent = no limit */
  maxRefusedRecipients?: number;
}

/**
 * Everything the SMTP front end depends on; the server's smtp role builds it from the shared
 * services. The front end builds its delivery pipeline (libs/pipeline) from these settings.
 */
export interface SmtpContext {
  store: Store;
  resolver: RecipientResolver;
  authenticator: Pick<Authenticator, 'authenticate'>;
  hostname: string;
  limits: SmtpLimits;
  /** MAILSTEAD_INSECURE_AUTH: AUTH without TLS from anywhere (development only) */
  insecureAuth: boolean;
  /** EXPN of lists for authenticated users */
  allowExpn: boolean;
  /** SPF/DKIM/DMARC on inbound mail */
  senderChecks: boolean;
  /** refuse mail failing DMARC with p=reject (else it goes to Junk) */
  dmarcReject: boolean;
  dnsResolver?: DnsResolver;
  /** Loopback peers count as secured for AUTH (default true; see libs/auth ConnectionSecurity). */
  trustLoopback?: boolean;
  logger: SmtpLogger;
  /**
   * Called after COMMIT with the outbound rows just created. The delivery worker (libs/delivery)
   * hooks its BullMQ enqueue here; Postgres stays the source of truth (its reconciler re-enqueues
   * rows that are due if this is not wired or Redis loses the job).
   */
  onOutbound?: (ids: bigint[]) => void;
  /** Public URL and secret for the members' one-click unsubscribe links in list posts (none: no List-Unsubscribe). */
  listLinks?: ListLinks;
  /** List bounce processing for DSNs sent to a list's bounce address (default: 5 bounces, disable). */
  listBouncePolicy?: ListBouncePolicy;
  /** The data directory and the free space it must keep (MAILSTEAD_MIN_FREE_SPACE): 452 4.3.1 at MAIL FROM below it. */
  storage?: { dir: string; minFree: number };
  /** MX connection checks (DNS lists, HELO, FCrDNS, greylisting, per-IP rates) and submission rate limits; none: off. */
  defence?: SmtpDefence;
  /** Spam scoring, quarantine and Junk filing on the MX (libs/pipeline spamPipelineOptions); none: off. */
  spam?: SpamPipelineOptions;
}

/** What AUTH leaves on the session. */
export interface SessionUser {
  accountId: number;
  address: string;
}

export function sessionUser(session: SMTPServerSession): SessionUser | null {
  const user = session.user as SessionUser | undefined;
  return user && typeof user.accountId === 'number' ? user : null;
}

/** AUTH is never offered on MX (RFC 4954 4: it is for submission); elsewhere libs/auth's password rule decides. */
export function authAllowed(ctx: SmtpContext, listener: ListenerKind, session: SMTPServerSession): boolean {
  return listener !== 'mx' && passwordsAllowed({ tls: session.secure, remoteAddress: session.remoteAddress, trustLoopback: ctx.trustLoopback, insecureAuth: ctx.insecureAuth });
}
