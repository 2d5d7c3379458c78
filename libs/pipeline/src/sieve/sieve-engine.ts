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
  /** a percentage (spamtestplus :percent); absent when no check scored the message */
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
  /** the user's address the message was addressed to: the reply's From unless :from (RFC 5230 5.4) */
  recipient?: string;
}

export type SieveAction =
  | { type: 'keep'; flags: string[] }
  | { type: 'fileinto'; mailbox: string; flags: string[]; create: boolean }
  | { type: 'redirect'; address: string }
  | { type: 'discard' }
  | { type: 'reject'; reason: string; extended: boolean }
  | SieveVacationAction;

/** A header edit of RFC 5293, in the order the script made them. */
export interface SieveRunResult {
  /** the actions to perform; an implicit keep is among them as a keep */
  actions: SieveAction[];
  /** the message's header fields after editheader, in order (null: unchanged); `raw` is a kept field as written */
  headers: { name: string; value: string; raw?: string }[] | null;
  /** duplicate ids to record when the delivery commits, with their lifetime (RFC 7352 3) */
  duplicates: { key: string; seconds: number }[];
  /** a run-time error: the caller keeps the message (RFC 5228 2.10.6) */
  error: { message: string; script: number | null } | null;
}

export interface SieveEngine<S = unknown> {
  compile(source: string): SieveCompiled<S>;
  run(scripts: readonly S[], raw: Buffer, input: SieveRunInput, host: SieveRunHost): Promise<SieveRunResult>;
}

/**
 * Scores are sums of symbol weights (rspamd's scale, where 15 is its default reject level);
 * spamtest wants a percentage (RFC 5235 spamtestplus :percent), so 15 or more is 100 %.
 */
export const SPAMTEST_MAX_SCORE = 15;

export function spamtestPercent(score: number): number {
  return Math.max(0, Math.min(100, Math.round((score * 100) / SPAMTEST_MAX_SCORE)));
}
