/**
 * Sieve (RFC 5228) parser and interpreter with its extensions: pure, no sockets, no database.
 *
 * - `compileSieve(source)` lexes, parses and validates a script (require checked: an
 *   extension used without `require` is a compile error). Errors carry 1-based line and
 *   column; `formatSieveError` renders `line 3, column 5: unknown command "filein"`.
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
