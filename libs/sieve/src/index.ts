/**
 * Sieve (RFC 5228) parser and interpreter with its extensions: pure, no sockets, no database.
 *
 * - `compileSieve(source, { limits?, extensions? })` lexes, parses and validates a script
 *   (`require` checked: an extension used without it is a compile error). Errors carry 1-based
 *   line and column; `formatSieveError` renders `line 3, column 5: unknown command "filein"`.
 * - `sieveMessage(raw)` wraps a message once (header fields with their raw folding, the MIME
 *   structure from libs/mime, size); reuse it for every recipient.
 * - `runSieve(scripts, input, host)` runs before..., user, ...after scripts (the next one only
 *   while the message is kept, as Pigeonhole's sieve_before/sieve_after) and answers a
 *   `SieveOutcome`: actions in order (keep/fileinto merged per mailbox, redirects de-duplicated,
 *   vacation only when RFC 5230 4.5/4.6 allow a reply: the "answered this sender within the
 *   period" check is the host's), `headerEdits` (the final header after editheader, or null),
 *   `duplicateRecords` (RFC 7352: record once delivery succeeded), `error` (run-time error: the
 *   actions are then a single keep, RFC 5228 2.10.6) and `log` (why no vacation, protected
 *   headers left alone). The host answers include sources, duplicate history and mailbox
 *   existence; nothing else leaves the function, and the clock is `input.now`.
 * - `describeSieveOutcome` gives one line per action for dry runs.
 * - `SIEVE_EXTENSIONS` is the capability list (ManageSieve's "SIEVE" line), `sieveLimits`
 *   the default work bounds (any of them can be overridden per call).
 */
export { compileSieve, formatSieveError } from './compile';
export type { CompiledSieve, SieveCompileError, SieveCompileOptions, SieveCompileResult } from './compile';
export { SIEVE_EXTENSIONS } from './extensions';
export { sieveLimits } from './limits';
export type { SieveLimits } from './limits';
export { sieveMessage } from './message';
export type { SieveHeaderField, SieveMessage } from './message';
export { runSieve } from './run';
export type {
  SieveAction,
  SieveDuplicateRecord,
  SieveEnvelope,
  SieveHost,
  SieveIncludeLocation,
  SieveInput,
  SieveOutcome,
  SieveRuntimeError,
  SieveVacationAction,
} from './outcome';
export { describeSieveAction, describeSieveOutcome } from './describe-outcome';
