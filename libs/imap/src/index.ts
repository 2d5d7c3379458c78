export { ImapServer, type ImapListener } from './server/imap-server';
export { DEFAULT_IMAP_LIMITS, type ImapLimits, type ImapLogger, type ImapServerOptions } from './server/imap-options';
export {
  MailStoreError,
  MetadataLimitError,
  type MetadataTarget,
  type AccountChange,
  type AppendInput,
  type FetchField,
  type FlagBatch,
  type ImapAuthenticator,
  type MailboxChanges,
  type MailboxSummary,
  type MailStore,
  type MessageMeta,
  type SearchKey,
  type StoredFlags,
  type UidRange,
  type SortRow,
  type SortAddressData,
  type ThreadRow,
} from './mail-store';
export { ImapMailStore, type ImapMailStoreOptions } from './imap-mail-store';
export { CommandReader, type ArgNode, type ParsedCommand, type ReaderEvent, type ReaderLimits } from './protocol/command-reader';
export { encodeMailboxName, decodeMailboxName } from './protocol/utf7';
export { buildCommandTable, COMMANDS } from './commands/command-table';
