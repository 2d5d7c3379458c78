import { defineCommand } from '../command';
import { toWireMessage } from '../wire';
import { resolveMessage } from './message-argument';

/** RETR msg (RFC 1939 5): the whole message, CRLF lines, dot-stuffed; its size matches LIST. */
export const retrCommand = defineCommand({
  verb: 'RETR',
  states: ['transaction'],
  args: { min: 1, max: 1 },
  async handle(ctx, state, line) {
    const entry = await resolveMessage(ctx, state.maildrop, line.args[0]!);
    if (!entry) return;
    const raw = await state.fetcher.fetch(entry);
    if (!raw) return ctx.err(`Message ${entry.number} was removed by another session`, 'SYS/PERM');
    const wire = toWireMessage(raw);
    state.retrieved.add(entry.uid);
    return ctx.multiline(`${wire.length} octets`, wire);
  },
});
