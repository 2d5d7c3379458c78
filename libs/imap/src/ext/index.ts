/**
 * Building blocks for the IMAP extensions of issue 5, kept free of sessions and storage so the
 * command files can call them directly. See each module's header for its RFC and wiring.
 */
export { compressSequenceSet, expandSequenceSet, mergeRanges, rangesContain, selectInSequenceSet, toRanges, type NumberRange } from './sequence-set';
export {
  computeEsearch,
  formatEsearch,
  formatSearch,
  orderedSequenceSet,
  parseSearchReturnOptions,
  savedMatches,
  sendsEsearchResponse,
  SearchReturnError,
  type EsearchResult,
  type SearchReturnOption,
} from './esearch';
export { SearchResultVariable } from './search-result-variable';
export { asciiCasemapKey, baseSubject, compareAsciiCasemap, decodeEncodedWords, extractBaseSubject, type BaseSubject } from './base-subject';
export { displayName, parseSortCriteria, sortDate, sortMessages, SortCriteriaError, type SortAddress, type SortableMessage, type SortCriterion, type SortKey } from './sort';
export {
  formatThread,
  formatThreadResponse,
  parseThreadAlgorithm,
  threadMessages,
  ThreadAlgorithmError,
  type ThreadAlgorithm,
  type ThreadableMessage,
  type ThreadNode,
} from './thread';
export { DeflateStream, startDeflate, type DeflateOptions } from './compress';
export { formatVanished, rangesAbove, seqMatchFloor } from './qresync';
export {
  ACCOUNT_QUOTA_ROOT,
  QUOTA_CAPABILITIES,
  appendLimitCapability,
  exceededResource,
  formatQuota,
  formatQuotaRoot,
  quotaResources,
  type QuotaResource,
  type QuotaUsageInput,
} from './quota';
export { entryMatches, isPrivateEntry, MetadataSyntaxError, normalizeEntryName, parseDepth, type MetadataDepth } from './metadata';
export { OBJECTID_CAPABILITY, emailObjectId, isObjectId, mailboxObjectId, parseObjectId, threadObjectId } from './objectid';
