export { Store } from './store';
export { runMigrations, defaultMigrationsDir, type MigrationResult } from './migrate';
export { ChangeFeed, CHANGE_CHANNEL, type MailboxChange, type ChangeKind } from './change-feed';
export { StoreError } from './errors';
export { splitAddress, addressKey, isValidDomainName } from './address';
export { EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded/embedded-postgres';
export { EmbeddedRedis, RedisNotInstalledError, findRedisServer } from './embedded/embedded-redis';
export { DataDirLock, DataDirInUseError } from './embedded/data-dir-lock';
export type { AccountRecord, AccountRole, NewAccount } from './repositories/account.repository';
export type { AliasRecord } from './repositories/alias.repository';
export type { AppPasswordRecord } from './repositories/app-password.repository';
export type { DomainSummary } from './repositories/domain.repository';
export { DEFAULT_MAILBOXES, MAILBOX_DELIMITER, normalizeMailboxName, type MailboxInfo } from './repositories/mailbox.repository';
export type { MailingListRecord, ListMemberRecord, ListPolicy, ListReplyTo } from './repositories/mailing-list.repository';
export {
  parseFlags,
  flagList,
  type AppendItem,
  type AppendedMessage,
  type DeliveryOptions,
  type DeliveryResult,
  type DeliveryTarget,
  type DeliveryRecords,
  type VacationClaim,
  type FlagChange,
  type FlagState,
  type InsertLimits,
  type MessageSummary,
  type OutboundRecipientInput,
} from './repositories/message.repository';
export type {
  AttemptOutcome,
  ClaimedOutbound,
  OutboundAttemptRecord,
  OutboundDetail,
  OutboundQueueFilter,
  OutboundRecipientRow,
  OutboundStatus,
  OutboundSummary,
  RecipientResult,
  RecipientStatus,
} from './repositories/outbound.repository';
export { DELAY_WARNING } from './repositories/outbound.repository';
export { LIST_BOUNCE_SUFFIX, type ListBounceAction, type ListBounceResult, type ListMemberBounceState } from './repositories/list-bounce.repository';
export type { FillResult, FillScope, FillScopeOptions, FillScopeResult, SearchIndexScope } from './repositories/search-index.repository';
export type { WebmailMessageRow, WebmailSort, WebmailListOptions, WebmailSearch, StoredMessage, MessageRef } from './repositories/webmail.repository';
export type { AdminPage, AdminStatsRow, ModerationRow, Paged } from './repositories/admin.repository';
export { decodeTotpState, type TotpState } from './repositories/totp.repository';
export type { Pop3Inbox, Pop3MessageRow } from './repositories/pop3.repository';
export type { ImapFlagBatch, ImapMessageFlags, ImapMessageMeta, ImapMetaField, ImapSearchKey } from './repositories/imap.repository';
export type { ChangedMessage, PruneResult, UidRange, VanishedResult } from './repositories/imap-sync.repository';
export type { ImapSortRow, ImapThreadRow, SortAddressRow } from './repositories/imap-sort.repository';
export type { AccountQuotaUsage } from './repositories/imap-quota.repository';
export { MetadataError, type MetadataDepthOption, type MetadataEntry, type MetadataLimits, type MetadataTarget } from './repositories/imap-metadata.repository';
export type { AddressEntry, ModerationRecord } from './repositories/recipient.repository';
export type {
  SieveAdminOwner,
  SieveAdminScriptRow,
  SieveDeleteResult,
  SieveDeliveryScripts,
  SieveRenameResult,
  SieveScriptPlace,
  SieveScriptRecord,
  SieveScriptSummary,
} from './repositories/sieve.repository';
export { TOTALS_HASH, type NewQuarantineItem, type QuarantineItem, type SpamLearnResult, type SpamModelCounts, type SpamModelRef, type SpamModelStats, type SpamSymbolRow, type SpamThresholds, type SpamTokenCounts } from './repositories/spam.repository';
export type { ExportedMessage } from './repositories/mail-transfer.repository';
export type { RestoreSource, StoreProblem, StoreSnapshot } from './repositories/backup.repository';
