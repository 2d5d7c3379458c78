import { defineCommand } from '../command';
import { resolveMessage } from './message-argument';

/** LIST [msg] (RFC 1939 5): "number size" of one message, or of every message not marked deleted. */
export const listCommand = defineCommand({
  verb: 'LIST',
  states: ['transaction'],
  args: { min: 0, max: 1 },
  async handle(ctx, state, line) {
    const { maildrop } = state;
    const argument = line.args[0];
    if (argument !== undefined) {
      const entry = await resolveMessage(ctx, maildrop, argument);
      return entry && ctx.ok(`${entry.number} ${entry.size}`);
    }
    const { count, octets } = maildrop.stat();
    const body = maildrop
      .visible()
      .map((e) => `${e.number} ${e.size}\r\n`)
      .join('');
    return ctx.multiline(`${count} messages (${octets} octets)`, Buffer.from(body));
  },
});
