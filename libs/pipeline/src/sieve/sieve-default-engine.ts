import { compileSieve, runSieve, sieveMessage, type CompiledSieve } from '@mailstead/sieve';
import type { SieveEngine, SieveRunResult } from './sieve-engine';

/** The delivery's engine: libs/sieve's compiler and interpreter. */
export const libSieveEngine: SieveEngine<CompiledSieve> = {
  compile(source) {
    const result = compileSieve(source);
    return result.ok ? { ok: true, script: result.script } : { ok: false, errors: result.errors.map((e) => ({ line: e.line, column: e.column, message: e.message })) };
  },
  async run(scripts, raw, input, host): Promise<SieveRunResult> {
    const outcome = await runSieve([...scripts], { message: sieveMessage(raw), ...input }, host);
    return {
      actions: outcome.actions,
      headers: outcome.headerEdits,
      duplicates: outcome.duplicateRecords,
      error: outcome.error ? { message: `line ${outcome.error.line}, column ${outcome.error.column}: ${outcome.error.message}`, script: /^\d+$/.test(outcome.error.script) ? Number(outcome.error.script) : null } : null,
    };
  },
};
