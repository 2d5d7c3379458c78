/** The delivery pipeline: one contract for every step a message takes from MAIL FROM to COMMIT. */
export { DeliveryPipeline, DeliveryTransaction, type PipelineDeps, type PipelineLogger } from './delivery-pipeline';
export { addSymbol, addTrace, type CheckSymbol, type ClientInfo, type DeliveryReceipt, type DeliveryStep, type Envelope, type LocalCopy, type MessageSource, type MessageUnderCheck, type StepResult, type Submitter } from './delivery-step';
export { createDeliveryPipeline, defaultSteps, forwardingFor, recipientResolverFor, type PipelineOptions } from './pipeline-factory';
export { SmtpReply, smtpReply, REPLIES } from './smtp-reply';

/** Recipient resolution: accounts, plus-addressing, aliases, catch-all, lists with their policies, quotas. */
export { RecipientResolver, quotaVerdict, MAX_EXPANSION_DEPTH, MAX_EXPANSION_SIZE, type Resolution, type ResolveOutcome, type ResolveContext, type LocalMailbox, type ListDelivery, type ListInfo, type ListMembership } from './recipients/recipient-resolver';
export { mergeRecipients, listCopies, copyPart, remoteParts, type DeliveryPart, type ListLinks, type RecipientInput, type Plan, type ForwardedRecipients } from './recipients/delivery-plan';

/** Forwarding (aliases to remote addresses, Sieve redirect): SRS envelope senders, the MX's check of bounces to them, the ARC seal. */
export { Forwarding, forwardedPart, srsRefusal, type ForwardingSettings, type ForwardedPartInput } from './forwarding/forwarded-part';
export { srsForward, srsReverse, srsHash, srsTimestamp, srsMaxAgeDays, isSrsLocalPart, SRS_HASH_LENGTH, type SrsKey, type SrsReversal } from './forwarding/srs';
export { arcSeal, ourAuthenticationResults, type ArcKey } from './forwarding/arc-seal';

/** Mailing lists: copies, one-click unsubscribe, moderation, bounce counting. */
export { listBounceAddress, listFields, listCopy } from './lists/list-post';
export { unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken, type UnsubscribeClaim } from './lists/unsubscribe-token';
export { approveModeratedPost, rejectModeratedPost } from './lists/moderation';
export { noticePart } from './notices/notice-part';
export { countListBounces, parseDeliveryStatus, processListBounceReport, type ListBouncePolicy, type ReportedRecipient } from './lists/list-bounces';

/** Header-level message edits the steps share. */
export { normalizeLineEnds, splitMessage, joinMessage, prependFields, countFields, hasField, fieldValue, removeFields, replaceFieldValue, receivedField, rfc5322Date, newMessageId } from './message/message-headers';

export { checkSender, removeForgedResults, senderAuthenticationStep, type DnsResolver, type SenderCheckResult } from './steps/sender-authentication.step';
export { MAX_RECEIVED_HEADERS } from './steps/loop-detection.step';
export { freeSpace } from './steps/storage-space.step';
export { spamScoreStep, spamPipelineOptions, spamVerdictFor, spamStateOf, type AutolearnPolicy, type MessageSpamState, type SpamPipelineOptions, type SpamScoringOptions } from './steps/spam-score.step';
export { spamVerdictStep } from './steps/spam-verdict.step';
export { malwareScanStep, type MalwareScanOptions } from './steps/malware-scan.step';

/** Connection and envelope checks, greylisting, outbound rate limits (issue 21 items 1 and 7). */
export { defenceSteps, type SmtpDefence } from './steps/smtp-defence';
export { claimsToBeUs, heloForm, HYGIENE_SCORES, type HeloForm } from './steps/smtp-hygiene.step';
