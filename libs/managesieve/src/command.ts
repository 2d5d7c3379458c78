import type { AuthAttempt, AuthResult } from '@mailstead/auth';
import type { ResponseCode } from './responses';
import type { SieveScriptStore } from './script-store';
import type { ManageSieveState, ManageSieveStateName, StateOf } from './session-state';

/** Structured logger (pino's shape); arguments of sensitive commands never reach it. */
export interface ManageSieveLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** What the commands of every session share. */
export interface ManageSieveServices {
  /** The IMPLEMENTATION capability. */
  implementation: string;
  scripts: SieveScriptStore;
  authenticator: { authenticate(attempt: AuthAttempt): Promise<AuthResult> };
  /** The SIEVE capability: the extensions scripts may require (libs/sieve's SIEVE_EXTENSIONS). */
  sieveExtensions: readonly string[];
  /** The MAXREDIRECTS capability: redirects one script may make per message; omitted when unknown. */
  maxRedirects?: number;
  /** Development only: accept passwords without TLS from any address. */
  insecureAuth: boolean;
  /** Loopback peers count as secured for AUTHENTICATE (default true; see libs/auth ConnectionSecurity). */
  trustLoopback?: boolean;
}

/** A command argument after the dispatcher checked it: a string (UTF-8 decoded) or a number. */
export type Argument = string | number;
export type ArgumentKind = 'string' | 'number';

/** The session as a command handler sees it. */
export interface CommandContext {
  readonly services: ManageSieveServices;
  readonly log: ManageSieveLogger;
  readonly remoteAddress: string;
  readonly tlsActive: boolean;
  /** STARTTLS is offered: TLS material exists and TLS is not active yet. */
  readonly canStartTls: boolean;
  /** Passwords may be sent: TLS is active, the peer is on loopback, or insecure auth is on. */
  readonly secured: boolean;
  readonly state: ManageSieveState;
  setState(state: ManageSieveState): void;
  ok(text?: string, code?: ResponseCode): Promise<void>;
  no(text: string, code?: ResponseCode): Promise<void>;
  /** A malformed command: NO, counted against the bad-command budget. */
  syntaxError(text: string): Promise<void>;
  /** Response lines before the final OK/NO (capabilities, LISTSCRIPTS, GETSCRIPT's literal). */
  send(data: Buffer): Promise<void>;
  /** The capability lines (RFC 5804 1.7), for the greeting, CAPABILITY and after STARTTLS. */
  capabilities(): Buffer;
  /**
   * Sends a SASL challenge (a string) and reads the client's answer: one string. Undefined when
   * the client sent something else or went away.
   */
  challenge(data: string): Promise<string | undefined>;
  /** Starts TLS on this connection; commands pipelined in the clear after STARTTLS are discarded. */
  startTls(): Promise<void>;
  /** Ends the connection after the responses written so far. */
  end(): void;
}

export interface ManageSieveCommand<S extends ManageSieveStateName = ManageSieveStateName> {
  /** Upper-case name. */
  readonly name: string;
  /** States in which it is valid; elsewhere the dispatcher answers NO before the handler runs. */
  readonly states: readonly S[];
  /** The arguments in order; those past `required` are optional. */
  readonly args: readonly ArgumentKind[];
  readonly required: number;
  /** Its arguments are credentials: never log them. */
  readonly sensitive?: boolean;
  handle(ctx: CommandContext, state: StateOf<S>, args: Argument[]): Promise<void>;
}

export function defineCommand<S extends ManageSieveStateName>(command: ManageSieveCommand<S>): ManageSieveCommand<S> {
  return command;
}
