import type { Db } from '../prisma';
import type { AccountRole } from '../generated/prisma/client';
import { addressKey, splitAddress } from '../address';
import { exists, isUniqueViolation, notFound, StoreError } from '../errors';
import { createMailboxInTx, DEFAULT_MAILBOXES } from './mailbox.repository';

export type { AccountRole };

export interface NewAccount {
  address: string;
  passwordHash: string;
  role?: AccountRole;
  displayName?: string | null;
  quotaBytes?: number | bigint;
}

export interface AccountRecord {
  id: number;
  domainId: number;
  address: string;
  displayName: string | null;
  passwordHash: string;
  role: AccountRole;
  enabled: boolean;
  quotaBytes: bigint;
  usedBytes: bigint;
  totpSecret: string | null;
  createdAt: Date;
}

const select = {
  id: true,
  domainId: true,
  address: true,
  displayName: true,
  passwordHash: true,
  role: true,
  enabled: true,
  quotaBytes: true,
  usedBytes: true,
  totpSecret: true,
  createdAt: true,
} as const;

export class AccountRepository {
  constructor(private readonly db: Db) {}

  /**
   * The account behind an API session together with its domain's "require TOTP" setting, in one
   * query (the session guard needs both on every request).
   */
  async findForSession(id: number): Promise<(AccountRecord & { domainRequiresTotp: boolean }) | null> {
    const [row] = await this.db.$queryRawUnsafe<(Omit<AccountRecord, 'role'> & { role: string; domainRequiresTotp: boolean })[]>(
      `SELECT a.id, a.domain_id AS "domainId", a.address, a.display_name AS "displayName", a.password_hash AS "passwordHash",
              a.role::text AS role, a.enabled, a.quota_bytes AS "quotaBytes", a.used_bytes AS "usedBytes", a.totp_secret AS "totpSecret",
              a.created_at AS "createdAt", d.require_totp AS "domainRequiresTotp"
       FROM account a JOIN domain d ON d.id = a.domain_id WHERE a.id = $1`,
      id,
    );
    return row ? { ...row, role: row.role as AccountRole } : null;
  }

  /** Creates the account and its default mailboxes in one transaction. The domain must exist. */
  async create(input: NewAccount): Promise<AccountRecord> {
    const parts = splitAddress(input.address);
    if (!parts) throw new StoreError('invalid', `"${input.address}" is not a valid address`);
    const address = `${parts.local}@${parts.domain}`;
    try {
      return await this.db.$transaction(async (tx) => {
        const domain = await tx.domain.findUnique({ where: { name: parts.domain } });
        if (!domain) throw notFound(`domain ${parts.domain}`);
        const taken = await tx.alias.findUnique({ where: { source: addressKey(address) } });
        const list = await tx.mailingList.findUnique({ where: { address: addressKey(address) } });
        if (taken || list) throw exists(`${address} (as an alias or list)`);
        const account = await tx.account.create({
          data: {
            domainId: domain.id,
            address,
            addressKey: addressKey(address),
            passwordHash: input.passwordHash,
            role: input.role ?? 'user',
            displayName: input.displayName ?? null,
            quotaBytes: BigInt(input.quotaBytes ?? 0),
          },
          select,
        });
        for (const m of DEFAULT_MAILBOXES) await createMailboxInTx(tx, account.id, m.name, m.specialUse);
        return account;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw exists(`account ${address}`);
      throw error;
    }
  }

  findByAddress(address: string): Promise<AccountRecord | null> {
    return this.db.account.findUnique({ where: { addressKey: addressKey(address) }, select });
  }

  findById(id: number): Promise<AccountRecord | null> {
    return this.db.account.findUnique({ where: { id }, select });
  }

  list(domain?: string): Promise<AccountRecord[]> {
    return this.db.account.findMany({
      where: domain ? { domain: { name: domain.toLowerCase() } } : {},
      select,
      orderBy: { addressKey: 'asc' },
    });
  }

  count(): Promise<number> {
    return this.db.account.count();
  }

  async setPassword(address: string, passwordHash: string): Promise<void> {
    const { count } = await this.db.account.updateMany({ where: { addressKey: addressKey(address) }, data: { passwordHash } });
    if (count === 0) throw notFound(`account ${address}`);
  }

  /** The name shown with the address (the From header of webmail mail); null for none. */
  async setDisplayName(accountId: number, displayName: string | null): Promise<void> {
    const { count } = await this.db.account.updateMany({ where: { id: accountId }, data: { displayName } });
    if (count === 0) throw notFound(`account ${accountId}`);
  }

  async setEnabled(address: string, enabled: boolean): Promise<void> {
    const { count } = await this.db.account.updateMany({ where: { addressKey: addressKey(address) }, data: { enabled } });
    if (count === 0) throw notFound(`account ${address}`);
  }

  async setQuota(address: string, quotaBytes: number | bigint): Promise<void> {
    const { count } = await this.db.account.updateMany({ where: { addressKey: addressKey(address) }, data: { quotaBytes: BigInt(quotaBytes) } });
    if (count === 0) throw notFound(`account ${address}`);
  }

  /**
   * Whether the account may use `address` as its sender (MAIL FROM / From:): its own address,
   * an alias (not a catch-all) that delivers to it, or an address an admin granted it.
   */
  async canSendAs(accountId: number, address: string): Promise<boolean> {
    const account = await this.db.account.findUnique({ where: { id: accountId }, select: { addressKey: true } });
    if (!account) return false;
    const key = addressKey(address);
    if (key === account.addressKey) return true;
    const alias = await this.db.alias.findUnique({ where: { source: key }, select: { destinations: true, enabled: true } });
    if (alias?.enabled && alias.destinations.some((d) => addressKey(d) === account.addressKey)) return true;
    // or one an admin granted (RecipientRepository.grantSender)
    return (await this.db.senderGrant.findUnique({ where: { accountId_address: { accountId, address: key } }, select: { accountId: true } })) !== null;
  }

  /** Removes the account with its mailboxes and messages (blobs other mailboxes share stay). */
  async remove(address: string): Promise<void> {
    const { count } = await this.db.account.deleteMany({ where: { addressKey: addressKey(address) } });
    if (count === 0) throw notFound(`account ${address}`);
  }
}
