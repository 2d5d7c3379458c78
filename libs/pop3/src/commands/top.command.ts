import { defineCommand } from '../command';
import { topOfMessage, toWireMessage } from '../wire';
import { resolveMessage } from './message-argument';

/** TOP msg n (RFC 1939 7): the header, the blank line, and the first n body lines (n may be 0). */
export const topCommand = defineCommand({
  verb: 'TOP',
  states: ['transaction'],
  args: { min: 2, max: 2 },
  async handle(ctx, state, line) {
    const [number, count] = line.args as [string, string];
    if (!/^[0-9]{1,10}$/.test(count)) return ctx.syntaxError(`Invalid line count "${count.slice(0, 20)}"`);
    const entry = await resolveMessage(ctx, state.maildrop, number);
    if (!entry) return;
    const raw = await state.fetcher.fetch(entry);
    if (!raw) return ctx.err(`Message ${entry.number} was removed by another session`, 'SYS/PERM');
    return ctx.multiline('Top of message follows', topOfMessage(toWireMessage(raw), Number(count)));
  },
});
