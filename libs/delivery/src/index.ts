export { DeliveryWorker, DEFAULT_LEASE_MS, type DeliveryWorkerOptions, type DeliveryCounters } from './delivery-worker';
export { DeliveryQueue, enqueueOutbound, outboundJobId, DELIVERY_QUEUE, type DeliveryJobData } from './delivery-queue';
export { deliverOutbound, reportFailures, type DeliveryDeps, type DeliveryLogger, type DeliveryOutcome, type FailedRecipient, type ReportDeps } from './delivery-processor';
export { resolveRoute, dnsLookups, orderMx, parseRelayUrl, type DeliveryHost, type DnsLookups, type Route } from './routing';
export { transferMessage, ConnectionCache, type TransferOptions, type TransferRequest, type TransferResult, type RecipientReply } from './smtp-transfer';
export { generateDkimKey, dkimDnsRecord, dkimZoneLine, signMessage, type DkimKey } from './dkim';
export { nextAttemptAt } from './retry-schedule';
export { DomainLimiter } from './domain-limiter';
/**
 * Operating the queue, for the CLI and the admin API (errors are StoreError: not_found, conflict):
 *   const queue = new QueueService({ store, config, queue: new DeliveryQueue(redis) | null, log? })
 *   queue.list({ status?, domain?, sender?, olderThanMs?, limit? }): Promise<OutboundSummary[]>
 *   queue.show(id: bigint): Promise<OutboundDetail | null>      // recipients + attempt log with remote replies
 *   queue.retry(id: bigint): Promise<void>                      // due now + BullMQ job at once
 *   queue.retryDomain(domain: string): Promise<number>          // entries made due and enqueued
 *   queue.delete(id: bigint): Promise<void>
 *   queue.bounce(id: bigint, reason?: string): Promise<number>  // recipients bounced; DSN to the sender
 *   queue.pauseDomain(domain: string, reason?: string | null): Promise<void>
 *   queue.resumeDomain(domain: string): Promise<number>         // due entries enqueued at once
 *   queue.pausedDomains(): Promise<{ domain, pausedAt, reason }[]>
 *   queue.stats(): Promise<QueueStats>                          // queued/sending/deferred/delivered/bounced + per recipient
 */
export { QueueService, type QueueListQuery, type QueueProducer, type QueueServiceOptions, type QueueStats } from './queue-service';
