import type { ImapAuthenticator, MailStore } from '../mail-store';

export interface ImapLimits {
  maxLineLength: number;
  /** largest literal, i.e. largest APPEND (APPENDLIMIT) */
  maxLiteralSize: number;
  maxNesting: number;
  /** IDLE ends with BYE after this long (RFC 2177: clients re-issue it within 29 minutes) */
  idleTimeoutMs: number;
  /** a connection must log in within this time */
  loginTimeoutMs: number;
  /** an authenticated session with no command for this long is logged out (RFC 3501 5.4: at least 30 minutes) */
  autologoutMs: number;
  /** commands allowed before authentication */
  maxUnauthenticatedCommands: number;
  /** BAD replies before the connection is closed */
  maxBadCommands: number;
}

export const DEFAULT_IMAP_LIMITS: ImapLimits = {
  maxLineLength: 65_536,
  maxLiteralSize: 50 * 1024 * 1024,
  maxNesting: 32,
  idleTimeoutMs: 30 * 60_000,
  loginTimeoutMs: 60_000,
  autologoutMs: 30 * 60_000,
  maxUnauthenticatedCommands: 50,
  maxBadCommands: 20,
};

export interface ImapLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface ImapServerOptions {
  store: MailStore;
  authenticator: ImapAuthenticator;
  hostname: string;
  tls?: { cert: Buffer | string; key: Buffer | string };
  limits?: Partial<ImapLimits>;
  /** allow LOGIN/AUTHENTICATE without TLS from any address (development only) */
  insecureAuth?: boolean;
  /** Loopback peers count as secured for LOGIN/AUTHENTICATE (default true; see libs/auth ConnectionSecurity). */
  trustLoopback?: boolean;
  logger?: ImapLogger;
  /** QUOTA MESSAGE limit per account (RFC 9208 5.2); 0 or unset: none. */
  messageQuota?: number;
  /** METADATA (RFC 5464) limits: largest value in octets (default 65536), most entries per scope (default 100). */
  metadataMaxSize?: number;
  metadataMaxEntries?: number;
  /** METADATA server entry /shared/admin (RFC 5464 3.2.1.1): the administrator's address. */
  adminAddress?: string;
}
