import type { Pop3MailStore } from './mail-store';
import type { Maildrop, MaildropEntry } from './maildrop';

/** Messages fetched ahead in one query, and the most octets that may be held ahead. */
const READ_AHEAD_MESSAGES = 64;
const READ_AHEAD_OCTETS = 8 * 1024 * 1024;

/**
 * Message bytes for RETR and TOP. Clients download in order (RETR 1, RETR 2, ...), so a miss
 * fetches the requested message and the next few not marked deleted in one round trip, up to
 * a small byte budget; each prefetched message is handed out once.
 */
export class MessageFetcher {
  private readonly ahead = new Map<number, Buffer>();

  constructor(
    private readonly store: Pop3MailStore,
    private readonly maildrop: Maildrop,
  ) {}

  /** The stored bytes, or null when the message was expunged by another session after login. */
  async fetch(entry: MaildropEntry): Promise<Buffer | null> {
    const held = this.ahead.get(entry.uid);
    if (held) {
      this.ahead.delete(entry.uid);
      return held;
    }
    this.ahead.clear();
    const uids = [entry.uid];
    let octets = entry.size;
    for (const next of this.maildrop.entries.slice(entry.number)) {
      if (uids.length >= READ_AHEAD_MESSAGES || octets + next.size > READ_AHEAD_OCTETS) break;
      if (next.deleted) continue;
      uids.push(next.uid);
      octets += next.size;
    }
    const found = await this.store.raw(this.maildrop.mailboxId, uids);
    for (const [uid, raw] of found) if (uid !== entry.uid) this.ahead.set(uid, raw);
    return found.get(entry.uid) ?? null;
  }
}
