import type { Db } from '../prisma';

/** One message of the INBOX as POP3 needs it. */
export interface Pop3MessageRow {
  uid: number;
  /** Content address of the bytes: equal blobs have equal POP3 sizes (see `wireSizes`). */
  blobId: string;
  /** Stored octets. */
  size: number;
}

export interface Pop3Inbox {
  mailboxId: number;
  uidValidity: number;
  messages: Pop3MessageRow[];
}

/**
 * The queries behind the POP3 server: the INBOX snapshot taken at login, the octet counts POP3
 * reports and message bytes. The UPDATE-state expunge of the messages marked with DELE is
 * MessageRepository.expunge, the one every protocol and the webmail use.
 */
export class Pop3Repository {
  constructor(private readonly db: Db) {}

  /** The account's INBOX in UID order; null without an INBOX. */
  async openInbox(accountId: number): Promise<Pop3Inbox | null> {
    const box = await this.db.mailbox.findUnique({ where: { accountId_name: { accountId, name: 'INBOX' } }, select: { id: true, uidValidity: true } });
    if (!box) return null;
    const messages = await this.db.$queryRawUnsafe<Pop3MessageRow[]>(
      'SELECT uid, blob_id AS "blobId", size FROM message WHERE mailbox_id = $1 ORDER BY uid',
      box.id,
    );
    return { mailboxId: box.id, uidValidity: Number(box.uidValidity), messages };
  }

  /**
   * Octets of each blob as POP3 sends it (RFC 1939 11): every line ending CRLF, a final CRLF
   * added when the stored message lacks one; dot-stuffing and the terminating "." are not
   * counted. Computed in Postgres so the bodies never travel for a LIST. encode(data,
   * 'escape') keeps CR and LF bytes as themselves, so LF and CRLF can be counted on text:
   * size = stored + bare LFs (each gains a CR) + 2 when the last line has no LF.
   */
  async wireSizes(blobIds: string[]): Promise<Map<string, number>> {
    if (blobIds.length === 0) return new Map();
    const rows = await this.db.$queryRawUnsafe<{ id: string; wire_size: bigint }[]>(
      `SELECT b.id,
         CASE WHEN b.size = 0 THEN 0 ELSE
           length(b.data)
           + (length(t.esc) - length(replace(t.esc, E'\\n', '')))
           - (length(t.esc) - length(replace(t.esc, E'\\r\\n', ''))) / 2
           + CASE WHEN get_byte(b.data, length(b.data) - 1) = 10 THEN 0 ELSE 2 END
         END AS wire_size
       FROM blob b CROSS JOIN LATERAL (SELECT encode(b.data, 'escape') AS esc) t
       WHERE b.id = ANY($1::text[])`,
      blobIds,
    );
    return new Map(rows.map((r) => [r.id, Number(r.wire_size)]));
  }

  /** Stored bytes of the given messages (those still there), in one round trip. */
  async rawMany(mailboxId: number, uids: number[]): Promise<Map<number, Buffer>> {
    const rows = await this.db.$queryRawUnsafe<{ uid: number; data: Uint8Array }[]>(
      'SELECT m.uid, b.data FROM message m JOIN blob b ON b.id = m.blob_id WHERE m.mailbox_id = $1 AND m.uid = ANY($2::int[])',
      mailboxId,
      uids,
    );
    return new Map(rows.map((r) => [r.uid, Buffer.from(r.data)]));
  }
}
