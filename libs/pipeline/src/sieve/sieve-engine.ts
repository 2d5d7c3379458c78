/**
 * What the Sieve step needs of the interpreter (libs/sieve): compile a script, adapt a message,
 * run compiled scripts against it. The step talks to this interface, so its unit tests can run
 * scripted outcomes and the default engine (sieve-default-engine.ts) is the one adapter over
 * libs/sieve's API.
 */
export interface SieveScriptError {
  line: number;
  column: number;
  message: string;
}

export type SieveCompiled<S> = { ok: true; script: S } | { ok: false; errors: SieveScriptError[] };

export interface SieveRunInput {
  envelope: { from: string; to: string; auth?: string | null };
  environment: Partial<Record<string, string>>;
  spamScore?: number;
  now: Date;
  userAddresses: string[];
}

/** What the interpreter asks of the delivery while it runs (RFC 6609 include, RFC 7352 duplicate, RFC 5490 mailboxexists). */
export interface SieveRunHost {
  include(name: string, scope: 'personal' | 'global'): Promise<string | null>;
  duplicateSeen(key: string): Promise<boolean>;
  mailboxExists(name: string): Promise<boolean>;
}

export interface SieveVacationAction {
  type: 'vacation';
  handle: string;
  /** the period between replies to one sender, in seconds (:days x 86400, or :seconds) */
  seconds: number;
  subject: string | null;
  from: string | null;
  reason: string;
  /** the reason is a MIME entity (headers and body), RFC 5230 4.4 */
  mime: boolean;
}

export type SieveAction =
  | { type: 'keep'; flags: string[] }
  | { type: 'fileinto'; mailbox: string; flags: string[]; create: boolean }
  | { type: 'redirect'; address: string }
  | { type: 'discard' }
  | { type: 'reject'; reason: string; extended: boolean }
  | SieveVacationAction;

/** A header edit of RFC 5293, in the order the script made them. */
export type SieveHeaderEdit =
  | { type: 'add'; name: string; value: string; last: boolean }
  | { type: 'delete'; name: string; /** the values to delete (all when null), as the interpreter matched them */ values: string[] | null; index: number | null; last: boolean };

export interface SieveRunResult {
  /** the actions to perform; an implicit keep is among them as a keep */
  actions: SieveAction[];
  /** the message's header fields after editheader, in order (null: unchanged) */
  headers: { name: string; value: string }[] | null;
  /** duplicate ids to record when the delivery commits, with their lifetime (RFC 7352 3) */
  duplicates: { key: string; seconds: number }[];
  /** a run-time error: the caller keeps the message (RFC 5228 2.10.6) */
  error: { message: string; script: number | null } | null;
}

export interface SieveEngine<S = unknown> {
  compile(source: string): SieveCompiled<S>;
  run(scripts: readonly S[], raw: Buffer, input: SieveRunInput, host: SieveRunHost): Promise<SieveRunResult>;
}
