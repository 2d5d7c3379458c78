export { parseMessage } from './parse-message';
export { withPrependedFields } from './prepend-fields';
export { sectionBytes, resolvePart, parsePartId } from './section';
export { decodePartBody, decodeTransfer } from './decode';
export { partText } from './content';
export { htmlToText } from './html-text';
export { decodeWords } from './params';
export { LIMITS } from './limits';
export { buildDsn, headerBlock, FULL_RETURN_LIMIT, type DsnInput, type DsnRecipient } from './dsn';
export type {
  Address,
  Attachment,
  BodyPart,
  Disposition,
  EmbeddedMessage,
  EnvelopeAddress,
  HeaderField,
  ImapEnvelope,
  ParsedMessage,
  Section,
  SectionKind,
} from './types';
export {
  crlfToLf,
  lfToCrlf,
  MailboxFileError,
  maildirFileFlags,
  maildirFolderDir,
  maildirFolderName,
  maildirInfo,
  mboxEntry,
  mboxFromLine,
  mboxFromLineDate,
  mboxStatusFlags,
  parseDovecotKeywords,
  readMbox,
  type MboxEntry,
} from './mailbox-files';
