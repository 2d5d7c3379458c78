import { compileSieve } from '@mailstead/sieve';

/** A compile error with its 1-based position in the script. */
export interface SieveScriptProblem {
  line: number;
  column: number;
  message: string;
}

export type SieveCheckResult = { ok: true } | { ok: false; errors: SieveScriptProblem[] };

/**
 * Compiles a script with libs/sieve and answers only whether it is valid, and why not: the one
 * place the services reach the interpreter's compiler. The size quota is the service's
 * (MAILSTEAD_SIEVE_MAX_SCRIPT_SIZE), checked before, so the compiler's own bound is lifted.
 */
export function checkSieveSource(source: string): SieveCheckResult {
  const result = compileSieve(source, { limits: { maxScriptBytes: Number.MAX_SAFE_INTEGER } });
  return result.ok ? { ok: true } : { ok: false, errors: result.errors };
}
