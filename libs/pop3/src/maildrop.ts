/** One message of the maildrop, numbered from 1 in UID order for the whole session. */
export interface MaildropEntry {
  readonly number: number;
  readonly uid: number;
  /** Octets as sent (CRLF lines, before dot-stuffing): see wire.ts. */
  readonly size: number;
  deleted: boolean;
}

export type MessageLookup = { ok: true; entry: MaildropEntry } | { ok: false; reason: 'syntax' | 'no-such' | 'deleted' };

/**
 * The INBOX as it was at login (RFC 1939 5): numbers and sizes never change during the
 * session, whatever IMAP does meanwhile. DELE only marks; the marks are applied in UPDATE.
 */
export class Maildrop {
  readonly entries: readonly MaildropEntry[];

  constructor(
    readonly mailboxId: number,
    readonly uidValidity: number,
    messages: readonly { uid: number; size: number }[],
  ) {
    this.entries = messages.map((m, i) => ({ number: i + 1, uid: m.uid, size: m.size, deleted: false }));
  }

  /** Resolves a message-number argument: decimal digits only, 1..count, not marked deleted. */
  lookup(argument: string): MessageLookup {
    if (!/^[0-9]{1,10}$/.test(argument)) return { ok: false, reason: 'syntax' };
    const entry = this.entries[Number(argument) - 1];
    if (!entry) return { ok: false, reason: 'no-such' };
    if (entry.deleted) return { ok: false, reason: 'deleted' };
    return { ok: true, entry };
  }

  /** Messages not marked deleted (RFC 1939 5: STAT, LIST and UIDL leave marked ones out). */
  visible(): MaildropEntry[] {
    return this.entries.filter((e) => !e.deleted);
  }

  stat(): { count: number; octets: number } {
    const visible = this.visible();
    return { count: visible.length, octets: visible.reduce((n, e) => n + e.size, 0) };
  }

  /** RSET: unmarks every message. */
  reset(): void {
    for (const e of this.entries) e.deleted = false;
  }

  deletedUids(): number[] {
    return this.entries.filter((e) => e.deleted).map((e) => e.uid);
  }

  /**
   * The unique-id listing value (RFC 1939 7, UIDL): UID then UIDVALIDITY, each as 8 upper-case
   * hex digits (Dovecot's default `%08Xu%08Xv`, so clients moving from Dovecot keep their
   * state). Stable across sessions; a new UIDVALIDITY changes every value, as it must.
   */
  uniqueId(entry: MaildropEntry): string {
    const hex = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
    return hex(entry.uid) + hex(this.uidValidity);
  }
}
