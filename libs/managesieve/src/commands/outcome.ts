import type { CommandContext } from '../command';
import type { ScriptStoreOutcome } from '../script-store';

/** OK (with WARNINGS and their text when there are any, RFC 5804 2.6), or NO with the store's code and sentence. */
export function answer(ctx: CommandContext, outcome: ScriptStoreOutcome, done = 'Done'): Promise<void> {
  if (!outcome.ok) return ctx.no(outcome.message, outcome.code);
  if (outcome.warnings && outcome.warnings.length > 0) return ctx.ok(outcome.warnings.join('\r\n'), 'WARNINGS');
  return ctx.ok(done);
}
