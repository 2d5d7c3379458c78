export { SmtpFrontEnd, type ListenerAddress } from './smtp-front-end';
export { RecipientResolver, quotaVerdict, MAX_EXPANSION_DEPTH, type Resolution, type ResolveOutcome, type ResolveContext, type LocalMailbox, type ListDelivery, type ListInfo, type ListMembership } from './recipient-resolver';
export { SmtpReply, smtpReply, REPLIES } from './smtp-reply';
export { approveModeratedPost, rejectModeratedPost } from './moderation';
export { authAllowed, type SmtpContext, type SmtpLimits, type SmtpLogger, type ListenerKind, type SessionUser } from './smtp-context';
export type { DnsResolver } from './sender-checks';
export { listBounceAddress, listFields, listCopy } from './list-post';
export { mergeRecipients, listParts, type DeliveryPart, type ListLinks, type RecipientInput, type Plan } from './delivery-plan';
export { unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken, type UnsubscribeClaim } from './unsubscribe-token';
