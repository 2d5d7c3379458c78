/**
 * The SEARCHRES `$` variable (RFC 5182), one per session. It holds UIDs, so it survives
 * EXPUNGE and renumbering: expunged messages simply drop out (section 2.1), and `$` in a
 * non-UID command resolves to the current sequence numbers of the saved messages.
 *
 * Lifecycle the session must follow (RFC 5182 section 2.1):
 * - SELECT / EXAMINE / UNSELECT / CLOSE (any mailbox change): `clear()`.
 * - `SEARCH RETURN (SAVE ...)` that succeeds: `save(uids)` (via esearch.ts savedMatches).
 * - `SEARCH RETURN (SAVE ...)` that fails (NO or BAD): `clear()` ("set to empty").
 * - EXPUNGE / VANISHED of any kind, also caused by other sessions: `expunged(uids)`.
 * - A command that uses `$` while it is empty matches no messages (no error).
 */
export class SearchResultVariable {
  private uids: Set<number> = new Set();

  save(uids: Iterable<number>): void {
    this.uids = new Set(uids);
  }

  clear(): void {
    this.uids = new Set();
  }

  expunged(uids: Iterable<number>): void {
    for (const uid of uids) this.uids.delete(uid);
  }

  get isEmpty(): boolean {
    return this.uids.size === 0;
  }

  /** The saved UIDs, ascending (for `UID FETCH $`, `UID STORE $`, ...). */
  toUids(): number[] {
    return [...this.uids].sort((a, b) => a - b);
  }

  /**
   * The saved messages as sequence numbers (for `FETCH $`, `COPY $`, ...), given the selected
   * mailbox's UIDs in sequence order (index 0 = sequence number 1). Saved UIDs no longer in
   * the mailbox are skipped.
   */
  toSequenceNumbers(uidsInSequenceOrder: readonly number[]): number[] {
    const out: number[] = [];
    uidsInSequenceOrder.forEach((uid, index) => {
      if (this.uids.has(uid)) out.push(index + 1);
    });
    return out;
  }
}
