import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { mailboxArg } from '../server/mailbox-names';
import { accountOf } from '../server/session-helpers';
import { no, ok } from '../server/session-state';
import type { ImapSession } from '../server/imap-session';
import type { ArgReader } from '../protocol/arguments';

export async function setSubscription(session: ImapSession, args: ArgReader, subscribed: boolean) {
  const name = mailboxArg(args, session);
  args.end();
  const box = await session.store.getMailbox(accountOf(session), name);
  if (!box) return no('Mailbox does not exist', 'NONEXISTENT');
  await session.store.setSubscribed(box.id, subscribed);
  return ok(`${subscribed ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} completed`);
}

export const subscribeCommand = {
  name: 'SUBSCRIBE',
  states: AUTHENTICATED,
  handler: (session, args) => setSubscription(session, args, true),
} satisfies CommandSpec;
