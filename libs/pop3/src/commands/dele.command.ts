import { defineCommand } from '../command';
import { resolveMessage } from './message-argument';

/** DELE msg (RFC 1939 5): marks the message; nothing is removed before UPDATE. */
export const deleCommand = defineCommand({
  verb: 'DELE',
  states: ['transaction'],
  args: { min: 1, max: 1 },
  async handle(ctx, state, line) {
    const entry = await resolveMessage(ctx, state.maildrop, line.args[0]!);
    if (!entry) return;
    entry.deleted = true;
    return ctx.ok(`Message ${entry.number} deleted`);
  },
});
