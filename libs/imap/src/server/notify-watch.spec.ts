import { describe, expect, it } from 'vitest';
import { CommandReader, type ArgNode, type ReaderEvent } from '../protocol/command-reader';
import { parseNotify } from '../ext/notify';
import type { AccountChange, MailboxSummary } from '../mail-store';
import type { ImapSession } from './imap-session';
import { NotifyWatch } from './notify-watch';

function args(line: string): ArgNode[] {
  const events: ReaderEvent[] = new CommandReader().push(Buffer.from(`t NOTIFY ${line}\r\n`));
  const command = events.find((e) => e.type === 'command');
  if (command?.type !== 'command') throw new Error(`not a command: ${JSON.stringify(events)}`);
  return command.command.args;
}

const LISTS: MailboxSummary = { id: 7, name: 'Lists', specialUse: null, subscribed: true, uidValidity: 42, uidNext: 3, highestModseq: 5n, messages: 2, unseen: 1, size: 10n };

/** A session as far as NotifyWatch uses it: one account with one mailbox, not selected, CONDSTORE on. */
function fakeSession() {
  let feed: (change: AccountChange | null) => void = () => undefined;
  let current = LISTS;
  const written: string[] = [];
  const session = {
    state: { kind: 'authenticated' },
    enabled: new Set(['CONDSTORE']),
    store: {
      watchAccount: (_account: number, onChange: (change: AccountChange | null) => void) => {
        feed = onChange;
        return () => undefined;
      },
      listMailboxes: async () => [current],
      getMailboxById: async () => current,
    },
    requestNotifications: () => undefined,
    write: async (data: Buffer | string) => void written.push(data.toString()),
  } as unknown as ImapSession;
  return {
    session,
    written,
    change: (change: AccountChange, after: MailboxSummary) => {
      current = after;
      feed(change);
    },
  };
}

describe('NotifyWatch (RFC 5465)', () => {
  it('a change from before NOTIFY SET whose notification arrives late is no STATUS; a later one is, with HIGHESTMODSEQ (5.3)', async () => {
    const f = fakeSession();
    const spec = parseNotify(args('SET (personal (MessageNew MessageExpunge FlagChange))'), (n) => n)!;
    const watch = await NotifyWatch.start(f.session, spec, 1);
    // MODSEQ 5 is what the mailbox had when the watch started: that change was already made.
    f.change({ mailboxId: 7, kind: 'flags', modseq: 5n }, LISTS);
    await watch.push();
    expect(f.written).toEqual([]);
    f.change({ mailboxId: 7, kind: 'flags', modseq: 6n }, { ...LISTS, highestModseq: 6n, unseen: 0 });
    await watch.push();
    expect(f.written).toEqual(['* STATUS "Lists" (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 42 UNSEEN 0 HIGHESTMODSEQ 6)\r\n']);
  });
});
