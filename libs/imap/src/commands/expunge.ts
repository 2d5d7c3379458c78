import { SELECTED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import { qresyncEnabled } from '../server/condstore';
import { selectedOf } from '../server/session-helpers';
import { formatVanished } from '../ext/qresync';
import { no, ok, type CommandResult } from '../server/session-state';

/** Removes the UIDs from the session's view, one untagged EXPUNGE each (sequence numbers shift as they go). */
export async function reportExpunged(session: ImapSession, uids: number[]): Promise<void> {
  const box = selectedOf(session);
  const qresync = qresyncEnabled(session);
  const vanished: number[] = [];
  for (const uid of [...uids].sort((a, b) => a - b)) {
    box.pendingExpunges.delete(uid);
    const seq = box.remove(uid);
    if (seq > 0) vanished.push(uid);
    if (seq > 0 && !qresync) await session.untagged(`${seq} EXPUNGE`);
  }
  // RFC 7162 3.2.10.1: after ENABLE QRESYNC, `* VANISHED <uids>` instead of EXPUNGEs.
  const line = qresync ? formatVanished(vanished, false) : null;
  if (line) await session.write(`${line}\r\n`);
}

async function expunge(session: ImapSession, uids: number[] | undefined): Promise<CommandResult> {
  const box = selectedOf(session);
  if (box.readOnly) return no('Mailbox is read-only', 'READ-ONLY');
  const gone = await session.store.expunge(box.id, uids);
  await reportExpunged(session, gone);
  if (gone.length > 0 && qresyncEnabled(session)) {
    // RFC 7162 3.2.10: after ENABLE QRESYNC an EXPUNGE that removed messages reports the new
    // HIGHESTMODSEQ. The view is brought up to date first, so the value never skips a change
    // of another session the client has not been told about.
    await session.sync(true);
    return ok('EXPUNGE completed', `HIGHESTMODSEQ ${box.knownModseq}`);
  }
  return ok('EXPUNGE completed');
}

export const expungeCommand = {
  name: 'EXPUNGE',
  states: SELECTED,
  async handler(session, args) {
    args.end();
    return expunge(session, undefined);
  },
} satisfies CommandSpec;

/** UID EXPUNGE (RFC 4315 2.1): only the given UIDs, if they are \Deleted. */
export const uidExpungeCommand = {
  name: 'UID EXPUNGE',
  states: SELECTED,
  async handler(session, args) {
    const set = args.sequenceSet();
    args.end();
    const uids = selectedOf(session).uidsForUidSet(set);
    if (uids.length === 0) return ok('EXPUNGE completed');
    return expunge(session, uids);
  },
} satisfies CommandSpec;
