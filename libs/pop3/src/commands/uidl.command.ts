import { defineCommand } from '../command';
import { resolveMessage } from './message-argument';

/** UIDL [msg] (RFC 1939 7): "number unique-id" of one message, or of every message not marked deleted. */
export const uidlCommand = defineCommand({
  verb: 'UIDL',
  states: ['transaction'],
  args: { min: 0, max: 1 },
  async handle(ctx, state, line) {
    const { maildrop } = state;
    const argument = line.args[0];
    if (argument !== undefined) {
      const entry = await resolveMessage(ctx, maildrop, argument);
      return entry && ctx.ok(`${entry.number} ${maildrop.uniqueId(entry)}`);
    }
    const body = maildrop
      .visible()
      .map((e) => `${e.number} ${maildrop.uniqueId(e)}\r\n`)
      .join('');
    return ctx.multiline('Unique-id listing follows', Buffer.from(body));
  },
});
