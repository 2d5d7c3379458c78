import type { Db } from '../prisma';
import { flagList } from './message.repository';

/** One stored message as an export writes it. */
export interface ExportedMessage {
  uid: number;
  internalDate: Date;
  flags: string[];
  raw: Buffer;
}

/** Import and export of whole mailboxes (the CLI's `import` / `export`): bulk reads the other repositories do not need. */
export class MailTransferRepository {
  constructor(private readonly db: Db) {}

  /** `messageId/size` keys of the given Message-IDs already in the mailbox (`--skip-duplicates`). */
  async knownMessages(mailboxId: number, messageIds: string[]): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const rows = await this.db.message.findMany({ where: { mailboxId, messageIdHdr: { in: [...new Set(messageIds)] } }, select: { messageIdHdr: true, size: true } });
    return new Set(rows.map((r) => `${r.messageIdHdr}/${r.size}`));
  }

  /** The next `limit` messages after `afterUid`, with their bytes: an export holds one page in memory at a time. */
  async page(mailboxId: number, afterUid: number, limit: number): Promise<ExportedMessage[]> {
    const rows = await this.db.message.findMany({
      where: { mailboxId, uid: { gt: afterUid } },
      orderBy: { uid: 'asc' },
      take: limit,
      select: { uid: true, internalDate: true, seen: true, answered: true, flagged: true, deleted: true, draft: true, keywords: true, blob: { select: { data: true } } },
    });
    return rows.map((r) => ({ uid: r.uid, internalDate: r.internalDate, flags: flagList(r), raw: Buffer.from(r.blob.data) }));
  }
}
