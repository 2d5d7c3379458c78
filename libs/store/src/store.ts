import { createDatabase, type Db } from './prisma';
import type pg from 'pg';
import { AccountRepository } from './repositories/account.repository';
import { AdminRepository } from './repositories/admin.repository';
import { WebmailRepository } from './repositories/webmail.repository';
import { TotpRepository } from './repositories/totp.repository';
import { AliasRepository } from './repositories/alias.repository';
import { AppPasswordRepository } from './repositories/app-password.repository';
import { AuditRepository } from './repositories/audit.repository';
import { DomainRepository } from './repositories/domain.repository';
import { ImapRepository } from './repositories/imap.repository';
import { ImapMetadataRepository } from './repositories/imap-metadata.repository';
import { ImapQuotaRepository } from './repositories/imap-quota.repository';
import { ImapSortRepository } from './repositories/imap-sort.repository';
import { ImapSyncRepository } from './repositories/imap-sync.repository';
import { MailboxRepository } from './repositories/mailbox.repository';
import { ListBounceRepository } from './repositories/list-bounce.repository';
import { MailingListRepository } from './repositories/mailing-list.repository';
import { MessageRepository } from './repositories/message.repository';
import { OutboundRepository } from './repositories/outbound.repository';
import { Pop3Repository } from './repositories/pop3.repository';
import { RecipientRepository } from './repositories/recipient.repository';
import { SearchIndexRepository } from './repositories/search-index.repository';
import { SieveRepository } from './repositories/sieve.repository';
import { MailTransferRepository } from './repositories/mail-transfer.repository';
import { BackupRepository } from './repositories/backup.repository';
import { SpamRepository } from './repositories/spam.repository';

/** Every repository over one connection pool. The only way the rest of Mailstead reaches Postgres. */
export class Store {
  readonly domains: DomainRepository;
  readonly accounts: AccountRepository;
  readonly appPasswords: AppPasswordRepository;
  readonly aliases: AliasRepository;
  readonly lists: MailingListRepository;
  /** List bounce processing: bounce counts per member (libs/delivery, libs/smtp). */
  readonly listBounces: ListBounceRepository;
  readonly mailboxes: MailboxRepository;
  readonly messages: MessageRepository;
  readonly outbound: OutboundRepository;
  readonly audit: AuditRepository;
  readonly imap: ImapRepository;
  /** CONDSTORE/QRESYNC (RFC 7162). */
  readonly imapSync: ImapSyncRepository;
  /** SORT/THREAD rows (RFC 5256). */
  readonly imapSort: ImapSortRepository;
  /** QUOTA (RFC 9208), STATUS=SIZE. */
  readonly imapQuota: ImapQuotaRepository;
  /** METADATA (RFC 5464). */
  readonly imapMetadata: ImapMetadataRepository;
  readonly webmail: WebmailRepository;
  readonly admin: AdminRepository;
  readonly totp: TotpRepository;
  readonly pop3: Pop3Repository;
  readonly recipients: RecipientRepository;
  /** The lazy search-text fill (delivery leaves the columns NULL): webmail vectors and IMAP SEARCH text. */
  readonly searchIndex: SearchIndexRepository;
  /** Sieve scripts: personal (ManageSieve) and admin (before/after/include). */
  readonly sieve: SieveRepository;
  /** Bulk reads of mailbox import/export (the CLI's import and export). */
  readonly mailTransfer: MailTransferRepository;
  /** Whole-store backup (one snapshot), restore into an empty database, consistency checks. */
  readonly backup: BackupRepository;
  /** Spam classifier models, quarantine, spam thresholds (libs/spam). */
  readonly spam: SpamRepository;

  private constructor(
    private readonly db: Db,
    private readonly pool: pg.Pool,
  ) {
    this.domains = new DomainRepository(db);
    this.accounts = new AccountRepository(db);
    this.appPasswords = new AppPasswordRepository(db);
    this.aliases = new AliasRepository(db);
    this.lists = new MailingListRepository(db);
    this.listBounces = new ListBounceRepository(db);
    this.mailboxes = new MailboxRepository(db);
    this.messages = new MessageRepository(db, pool);
    this.outbound = new OutboundRepository(db);
    this.audit = new AuditRepository(db);
    this.imapSync = new ImapSyncRepository(db);
    this.imapSort = new ImapSortRepository(db);
    this.imapQuota = new ImapQuotaRepository(db);
    this.imapMetadata = new ImapMetadataRepository(db);
    this.searchIndex = new SearchIndexRepository(pool);
    this.imap = new ImapRepository(db, this.searchIndex, pool);
    this.webmail = new WebmailRepository(db, this.searchIndex);
    this.admin = new AdminRepository(db);
    this.totp = new TotpRepository(db);
    this.pop3 = new Pop3Repository(db);
    this.recipients = new RecipientRepository(db, pool);
    this.sieve = new SieveRepository(db);
    this.mailTransfer = new MailTransferRepository(db);
    this.backup = new BackupRepository(pool);
    this.spam = new SpamRepository(db, pool);
  }

  static async connect(url: string, options: { poolSize?: number } = {}): Promise<Store> {
    const { db, pool } = createDatabase(url, options.poolSize);
    await db.$connect();
    return new Store(db, pool);
  }

  /** Round-trip to Postgres; throws when it is unreachable. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.db.$queryRawUnsafe('SELECT 1');
    return performance.now() - started;
  }

  /** Connections of this process's pool: open, idle, and queries waiting for one (the metrics' pool gauges). */
  poolUse(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async close(): Promise<void> {
    await this.db.$disconnect();
  }
}
