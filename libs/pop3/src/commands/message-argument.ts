import type { CommandContext } from '../command';
import type { Maildrop, MaildropEntry } from '../maildrop';

/** Resolves a message-number argument, answering -ERR itself when there is no such message. */
export async function resolveMessage(ctx: CommandContext, maildrop: Maildrop, argument: string): Promise<MaildropEntry | undefined> {
  const found = maildrop.lookup(argument);
  if (found.ok) return found.entry;
  switch (found.reason) {
    case 'syntax':
      await ctx.syntaxError(`Invalid message number "${argument.slice(0, 20)}"`);
      return undefined;
    case 'no-such':
      await ctx.err(`No such message ${argument}, only ${maildrop.entries.length} in maildrop`);
      return undefined;
    case 'deleted':
      await ctx.err(`Message ${argument} is deleted`);
      return undefined;
  }
}
