import type { CompiledSieve } from './compile';
import { Interpreter, RunState, RuntimeFailure } from './interpreter';
import type { StoreAction } from './interpreter';
import { resolveLimits } from './limits';
import type { SieveAction, SieveHost, SieveInput, SieveOutcome } from './outcome';

/**
 * Runs the scripts for one message and recipient: the admin's before scripts, the user's,
 * the after scripts, as Pigeonhole's sieve_before/sieve_after: the next script runs only
 * while the message would still be kept (an explicit or implicit keep). Pure apart from the
 * host's three questions; a run-time error (RFC 5228 2.10.6) gives a single keep and `error`.
 */
export async function runSieve(scripts: readonly CompiledSieve[], input: SieveInput, host: SieveHost): Promise<SieveOutcome> {
  const limits = resolveLimits(input.limits);
  const state = new RunState(input, host, limits);
  const interpreter = new Interpreter(state);
  try {
    for (let i = 0; i < scripts.length; i++) {
      const last = i === scripts.length - 1;
      await interpreter.runScript(scripts[i]!, String(i));
      if (last) break;
      // a keep (implicit, or explicit to INBOX) hands the message on to the next script, which decides it again
      const keep = state.pending.find((p): p is StoreAction => p.kind === 'store' && p.keep);
      if (!state.implicitKeep && keep === undefined) break;
      if (keep !== undefined) state.pending.splice(state.pending.indexOf(keep), 1);
      state.implicitKeep = true;
    }
  } catch (e) {
    if (!(e instanceof RuntimeFailure)) throw e;
    return {
      actions: [{ type: 'keep', flags: [] }],
      headerEdits: null,
      duplicateRecords: [],
      error: { message: e.message, line: e.at.line, column: e.at.column, script: e.script },
      log: state.log,
    };
  }
  return finish(state, interpreter);
}

function finish(state: RunState, interpreter: Interpreter): SieveOutcome {
  const actions: SieveAction[] = [];
  if (state.implicitKeep) {
    const flags = interpreter.finalFlags();
    const keep = state.pending.find((p): p is StoreAction => p.kind === 'store' && p.mailbox === 'INBOX');
    if (keep !== undefined) keep.keep = true;
    else state.pending.unshift({ kind: 'store', mailbox: 'INBOX', flags, create: false, copy: false, keep: true });
  }
  for (const p of state.pending) {
    switch (p.kind) {
      case 'store':
        actions.push(p.mailbox === 'INBOX' ? { type: 'keep', flags: p.flags } : { type: 'fileinto', mailbox: p.mailbox, flags: p.flags, create: p.create, copy: p.copy });
        break;
      case 'redirect':
        actions.push({ type: 'redirect', address: p.address, copy: p.copy });
        break;
      case 'reject':
        actions.push({ type: 'reject', reason: p.reason, extended: p.extended });
        break;
      case 'vacation':
        actions.push(p.action);
        break;
    }
  }
  if (state.discarded && !actions.some((a) => a.type === 'keep' || a.type === 'fileinto')) actions.push({ type: 'discard' });
  return {
    actions,
    headerEdits: state.headersEdited ? state.headers : null,
    duplicateRecords: state.duplicateRecords,
    error: null,
    log: state.log,
  };
}
