import type { Db, Tx } from '../prisma';
import { exists, isUniqueViolation, notFound, StoreError } from '../errors';
import { encodeChange, CHANGE_CHANNEL } from '../change-feed';

export const MAILBOX_DELIMITER = '/';

/** The folders every new account starts with (RFC 6154 special-use attributes). */
export const DEFAULT_MAILBOXES: { name: string; specialUse: string | null }[] = [
  { name: 'INBOX', specialUse: null },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Archive', specialUse: '\\Archive' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Trash', specialUse: '\\Trash' },
];

export interface MailboxInfo {
  id: number;
  accountId: number;
  name: string;
  specialUse: string | null;
  uidValidity: number;
  uidNext: number;
  highestModseq: bigint;
  subscribed: boolean;
  messageCount: number;
  unseenCount: number;
  totalSize: bigint;
}

const select = {
  id: true,
  accountId: true,
  name: true,
  specialUse: true,
  uidValidity: true,
  uidNext: true,
  highestModseq: true,
  subscribed: true,
  messageCount: true,
  unseenCount: true,
  totalSize: true,
} as const;

/**
 * INBOX is case-insensitive (RFC 3501 5.1); every other name keeps its case. Names are kept in
 * Unicode NFC (RFC 9051 5.1, Net-Unicode): a client that sends "é" decomposed (as macOS
 * file names are) finds the folder another client created with it precomposed.
 */
export function normalizeMailboxName(name: string): string {
  const parts = name.normalize('NFC').split(MAILBOX_DELIMITER);
  if (parts[0]?.toUpperCase() === 'INBOX') parts[0] = 'INBOX';
  return parts.join(MAILBOX_DELIMITER);
}

function validateName(name: string): void {
  if (!name || name.length > 1000 || name.split(MAILBOX_DELIMITER).some((p) => p === '') || /[\x00-\x1f\x7f]/.test(name)) {
    throw new StoreError('invalid', `invalid mailbox name "${name}"`);
  }
}

/** RFC 3501 9: UIDVALIDITY is an nz-number (uniqueid), 1 .. 4,294,967,295. */
const MAX_UID_VALIDITY = 4_294_967_295;

/**
 * UIDVALIDITY must never repeat for a name whose UIDs a client may have cached (RFC 3501
 * 2.3.1.1): the account's high-water mark, raised in the creating transaction (its row lock
 * orders concurrent CREATEs) to at least the epoch seconds, so a recreated account with the same
 * address does not start over either. Deleted mailboxes leave the mark where it was.
 */
async function nextUidValidity(tx: Tx, accountId: number): Promise<number> {
  const [row] = await tx.$queryRawUnsafe<{ high: bigint }[]>(
    'UPDATE account SET uid_validity_high = GREATEST(uid_validity_high + 1, $2::bigint) WHERE id = $1 RETURNING uid_validity_high AS high',
    accountId,
    Math.floor(Date.now() / 1000),
  );
  if (!row) throw notFound('account');
  const value = Number(row.high);
  if (value > MAX_UID_VALIDITY) throw new StoreError('invalid', 'UIDVALIDITY range exhausted for this account');
  return value;
}

type MailboxRow = Omit<MailboxInfo, 'uidValidity'> & { uidValidity: bigint };

/** A row as MailboxInfo: UIDVALIDITY fits a JS number exactly (at most 2^32-1). */
function info(row: MailboxRow): MailboxInfo {
  return { ...row, uidValidity: Number(row.uidValidity) };
}

export async function createMailboxInTx(tx: Tx, accountId: number, name: string, specialUse: string | null): Promise<MailboxInfo> {
  const normalized = normalizeMailboxName(name);
  validateName(normalized);
  const uidValidity = await nextUidValidity(tx, accountId);
  return info(await tx.mailbox.create({ data: { accountId, name: normalized, specialUse, uidValidity }, select }));
}

export class MailboxRepository {
  constructor(private readonly db: Db) {}

  async create(accountId: number, name: string, specialUse: string | null = null): Promise<MailboxInfo> {
    try {
      return await this.db.$transaction(async (tx) => {
        const created = await createMailboxInTx(tx, accountId, name, specialUse);
        await notifyMailbox(tx, created);
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw exists(`mailbox ${name}`);
      throw error;
    }
  }

  async list(accountId: number): Promise<MailboxInfo[]> {
    return (await this.db.mailbox.findMany({ where: { accountId }, select, orderBy: { name: 'asc' } })).map(info);
  }

  async findByName(accountId: number, name: string): Promise<MailboxInfo | null> {
    const row = await this.db.mailbox.findUnique({ where: { accountId_name: { accountId, name: normalizeMailboxName(name) } }, select });
    return row && info(row);
  }

  async findById(id: number): Promise<MailboxInfo | null> {
    const row = await this.db.mailbox.findUnique({ where: { id }, select });
    return row && info(row);
  }

  async findSpecialUse(accountId: number, specialUse: string): Promise<MailboxInfo | null> {
    const row = await this.db.mailbox.findFirst({ where: { accountId, specialUse }, select, orderBy: { id: 'asc' } });
    return row && info(row);
  }

  async setSubscribed(id: number, subscribed: boolean): Promise<void> {
    // Announced like any other mailbox change (IMAP NOTIFY SubscriptionChange, RFC 5465 5.5).
    await this.db.$transaction(async (tx) => {
      const box = await tx.mailbox.update({ where: { id }, data: { subscribed }, select });
      await notifyMailbox(tx, box);
    });
  }

  /** Renames a mailbox and every mailbox below it. */
  async rename(accountId: number, from: string, to: string): Promise<void> {
    const source = normalizeMailboxName(from);
    const target = normalizeMailboxName(to);
    validateName(target);
    if (source === 'INBOX') throw new StoreError('invalid', 'INBOX is renamed by moving its messages (RFC 3501 6.3.5), not here');
    try {
      await this.db.$transaction(async (tx) => {
        const box = await tx.mailbox.findUnique({ where: { accountId_name: { accountId, name: source } }, select });
        if (!box) throw notFound(`mailbox ${from}`);
        const children = await tx.mailbox.findMany({ where: { accountId, name: { startsWith: `${source}${MAILBOX_DELIMITER}` } }, select });
        for (const m of [box, ...children]) {
          await tx.mailbox.update({ where: { id: m.id }, data: { name: target + m.name.slice(source.length) } });
          await notifyMailbox(tx, m);
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw exists(`mailbox ${to}`);
      throw error;
    }
  }

  /** Deletes one mailbox with its messages (account usage shrinks accordingly). */
  async delete(id: number): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const box = await tx.mailbox.findUnique({ where: { id }, select });
      if (!box) throw notFound('mailbox');
      await tx.mailbox.delete({ where: { id } });
      await tx.$executeRawUnsafe('UPDATE account SET used_bytes = GREATEST(0, used_bytes - $2) WHERE id = $1', box.accountId, box.totalSize);
      await notifyMailbox(tx, box);
    });
  }
}

async function notifyMailbox(tx: Tx, box: { id: number; accountId: number; highestModseq: bigint }): Promise<void> {
  const payload = encodeChange({ accountId: box.accountId, mailboxId: box.id, modseq: box.highestModseq.toString(), kind: 'mailbox' });
  await tx.$executeRawUnsafe('SELECT pg_notify($1, $2)', CHANGE_CHANNEL, payload);
}
