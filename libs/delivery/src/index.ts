export { DeliveryWorker, DEFAULT_LEASE_MS, type DeliveryWorkerOptions, type DeliveryCounters } from './delivery-worker';
export { DeliveryQueue, enqueueOutbound, outboundJobId, DELIVERY_QUEUE, type DeliveryJobData } from './delivery-queue';
export { deliverOutbound, type DeliveryDeps, type DeliveryLogger, type DeliveryOutcome } from './delivery-processor';
export { resolveRoute, dnsLookups, orderMx, parseRelayUrl, type DeliveryHost, type DnsLookups, type Route } from './routing';
export { transferMessage, type TransferOptions, type TransferRequest, type TransferResult, type RecipientReply } from './smtp-transfer';
export { generateDkimKey, dkimDnsRecord, dkimZoneLine, signMessage, type DkimKey } from './dkim';
export { buildDsn, headerBlock, FULL_RETURN_LIMIT, type DsnInput, type DsnRecipient } from './dsn';
export { nextAttemptAt } from './retry-schedule';
export { DomainLimiter } from './domain-limiter';
