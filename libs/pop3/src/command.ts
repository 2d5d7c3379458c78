import type { AuthAttempt, AuthResult } from '@mailstead/auth';
import type { CommandLine } from './line-reader';
import type { Pop3MailStore } from './mail-store';
import type { LoginDelayGate, MaildropLock } from './maildrop-lock';
import type { ResponseCode } from './responses';
import type { Pop3State, Pop3StateName, StateOf } from './session-state';

/** Structured logger (pino's shape); arguments of sensitive commands never reach it. */
export interface Pop3Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** What the commands of every session share. */
export interface Pop3Services {
  hostname: string;
  mailStore: Pop3MailStore;
  authenticator: { authenticate(attempt: AuthAttempt): Promise<AuthResult> };
  lock: MaildropLock;
  loginDelay: LoginDelayGate;
  /** RFC 2449 LOGIN-DELAY in seconds; 0 = not advertised, not enforced. */
  loginDelaySeconds: number;
  /** Development only: accept passwords without TLS from any address. */
  insecureAuth: boolean;
  /** Loopback peers count as secured for USER/PASS and AUTH (default true; see libs/auth ConnectionSecurity). */
  trustLoopback?: boolean;
}

/** The session as a command handler sees it. */
export interface CommandContext {
  readonly services: Pop3Services;
  readonly log: Pop3Logger;
  readonly remoteAddress: string;
  /** TLS is active on this connection (POP3S or after STLS). */
  readonly tlsActive: boolean;
  /** STLS is offered: TLS material exists and TLS is not active yet. */
  readonly canStartTls: boolean;
  /** Passwords may be sent: TLS is active, the peer is on loopback, or insecure auth is on. */
  readonly secured: boolean;
  readonly state: Pop3State;
  setState(state: Pop3State): void;
  ok(text: string): Promise<void>;
  err(text: string, code?: ResponseCode): Promise<void>;
  /** A malformed command: replies -ERR and counts against the bad-command budget. */
  syntaxError(text: string): Promise<void>;
  /** "+OK first", then `body` (CRLF lines) dot-stuffed and terminated (RFC 1939 3). */
  multiline(first: string, body: Buffer): Promise<void>;
  /** Sends a SASL continuation ("+ " + challenge) and reads the client's next line; undefined if none. */
  continuation(challenge: string): Promise<string | undefined>;
  /** Starts TLS on this connection; pipelined plaintext after STLS is discarded. */
  startTls(): Promise<void>;
  /** Ends the connection after the replies written so far. */
  end(): void;
}

export interface Pop3Command<S extends Pop3StateName = Pop3StateName> {
  /** Upper-case keyword. */
  readonly verb: string;
  /** States in which it is valid; elsewhere the dispatcher answers -ERR before the handler runs. */
  readonly states: readonly S[];
  /** Allowed number of space-separated arguments. */
  readonly args: { readonly min: number; readonly max: number };
  /** Its arguments are credentials: never log them. */
  readonly sensitive?: boolean;
  handle(ctx: CommandContext, state: StateOf<S>, line: CommandLine): Promise<void>;
}

export function defineCommand<S extends Pop3StateName>(command: Pop3Command<S>): Pop3Command<S> {
  return command;
}
