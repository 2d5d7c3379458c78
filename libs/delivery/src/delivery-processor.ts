import type { MailsteadConfig } from '@mailstead/config';
import { DELAY_WARNING, type ClaimedOutbound, type RecipientResult, type Store } from '@mailstead/store';
import { signMessage } from './dkim';
import { buildDsn, headerBlock, type DsnRecipient } from '@mailstead/mime';
import type { DomainLimiter } from './domain-limiter';
import { nextAttemptAt } from './retry-schedule';
import { resolveRoute, type DnsLookups } from './routing';
import { countListBounces, noticePart, type Forwarding } from '@mailstead/pipeline';
import { enhancedStatus } from './smtp-reply';
import { transferMessage, type RecipientReply, type TransferOptions, type TransferResult } from './smtp-transfer';
import { metrics } from '@mailstead/metrics';

/** The pino methods we use; any pino logger fits. */
export interface DeliveryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DeliveryDeps {
  store: Store;
  config: MailsteadConfig;
  dns: DnsLookups;
  limiter: DomainLimiter;
  log: DeliveryLogger;
  /** Puts new outbound rows (bounces to remote senders) on the queue at once. */
  enqueue(ids: bigint[]): Promise<void>;
  /** How long a claimed row stays ours before the reconciler may hand it to another worker. */
  /** how long a claim lasts without renewal; renewed every third of it during the attempt */
  leaseMs: number;
  transfer?: Partial<TransferOptions>;
  /** SRS reversal: a DSN for a forwarded row (its sender an SRS address of ours) goes where that address leads */
  forwarding?: Pick<Forwarding, 'reverse'> | null;
}

/** What reporting failures (DSNs, list bounce counts) needs. */
export type ReportDeps = Pick<DeliveryDeps, 'store' | 'config' | 'log' | 'enqueue' | 'forwarding'>;

export type DeliveryOutcome = 'skipped' | 'delivered' | 'deferred' | 'failed';

/**
 * One delivery attempt of one outbound row (message x destination domain), idempotent:
 * claim the row (nothing to do if it is finished, not due or leased elsewhere), route it,
 * send one SMTP transaction for all its waiting recipients, record per-recipient results and
 * the attempt, reschedule or finish it, and bounce the recipients that failed for good.
 */
export async function deliverOutbound(id: bigint, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const row = await deps.store.outbound.claim(id, deps.leaseMs);
  if (!row) return 'skipped';
  // The lease is short (a crashed worker's row is handed out again soon) and renewed while the
  // attempt runs, so a live worker never loses a row to a slow remote.
  const heartbeat = setInterval(() => {
    deps.store.outbound.renewLease(row.id, row.attempts, deps.leaseMs).then(
      (ours) => ours || deps.log.warn({ outboundId: String(row.id) }, 'lost the lease of an outbound row mid-attempt'),
      (error: unknown) => deps.log.warn({ err: error, outboundId: String(row.id) }, 'could not renew an outbound lease'),
    );
  }, Math.max(100, Math.floor(deps.leaseMs / 3)));
  try {
    return await attempt(row, deps);
  } finally {
    clearInterval(heartbeat);
  }
}

async function attempt(row: ClaimedOutbound, deps: DeliveryDeps): Promise<Exclude<DeliveryOutcome, 'skipped'>> {
  const waiting = row.recipients.filter((r) => r.status === 'pending' || r.status === 'deferred');
  const hostname = deps.config.hostname;

  let result: TransferResult;
  if (waiting.length === 0) {
    result = { host: null, recipients: [], summary: 'no recipient left to deliver' };
  } else {
    const route = await resolveRoute(row.domain, deps.config.delivery, hostname, deps.dns);
    if (route.kind === 'fail') {
      const code = route.permanent ? (route.status === '5.1.10' ? 556 : 550) : 451;
      const text = `${code} ${route.status} ${route.reason}`;
      result = { host: null, recipients: waiting.map((r) => ({ address: r.address, outcome: route.permanent ? 'failed' : 'deferred', code, text })), summary: text };
    } else {
      const message = await dkimSign(row, deps);
      const release = await deps.limiter.acquire(row.domain);
      try {
        result = await transferMessage(
          route.hosts,
          {
            sender: row.sender,
            recipients: waiting.map((r) => ({ address: r.address, notify: r.notify, orcpt: r.orcpt })),
            message,
            dsn: { envid: row.dsnEnvelopeId, ret: row.dsnReturn },
          },
          { hostname, tlsVerify: deps.config.delivery.tlsVerify, ...deps.transfer },
        );
      } finally {
        release();
      }
    }
  }

  const now = new Date();
  const retryAt = nextAttemptAt(row.attempts, row.createdAt, now, deps.config.delivery.retrySchedule, deps.config.delivery.maxAge);
  const byAddress = new Map(result.recipients.map((r) => [r.address, r]));
  const updates: RecipientResult[] = [];
  const newlyFailed: { reply: RecipientReply; orcpt: string | null; notify: string[]; expired: boolean }[] = [];
  const stillDeferred: { reply: RecipientReply; orcpt: string | null; notify: string[] }[] = [];
  for (const r of waiting) {
    const reply = byAddress.get(r.address) ?? { address: r.address, outcome: 'deferred' as const, code: null, text: result.summary };
    let outcome = reply.outcome;
    const expired = outcome === 'deferred' && retryAt === null;
    if (expired) outcome = 'failed';
    updates.push({ id: r.id, status: outcome, smtpCode: reply.code, response: result.host ? `${result.host}: ${reply.text}` : reply.text });
    if (outcome === 'failed') newlyFailed.push({ reply, orcpt: r.orcpt, notify: r.notify, expired });
    if (outcome === 'deferred') stillDeferred.push({ reply, orcpt: r.orcpt, notify: r.notify });
  }
  const statuses = new Set([...row.recipients.filter((r) => !waiting.includes(r)).map((r) => r.status), ...updates.map((u) => u.status)]);
  const rowOutcome: Exclude<DeliveryOutcome, 'skipped'> = statuses.has('deferred') ? 'deferred' : statuses.has('failed') ? 'failed' : 'delivered';

  if (newlyFailed.length > 0) {
    try {
      await reportFailures(row, newlyFailed, result.host, deps);
    } catch (error) {
      deps.log.error({ err: error, outboundId: String(row.id) }, 'could not store the bounce');
    }
  }

  const { delayWarning, maxAge } = deps.config.delivery;
  if (rowOutcome === 'deferred' && delayWarning > 0 && !row.delayWarned && now.getTime() - row.createdAt.getTime() >= delayWarning) {
    try {
      await warnDelay(row, stillDeferred, result.host, new Date(row.createdAt.getTime() + maxAge), deps);
    } catch (error) {
      deps.log.error({ err: error, outboundId: String(row.id) }, 'could not store the delay notice');
    }
  }

  await deps.store.outbound.finishAttempt(
    row.id,
    { host: result.host, result: rowOutcome, response: result.summary },
    updates,
    rowOutcome === 'deferred'
      ? { status: 'deferred', nextAttemptAt: retryAt!, lastError: result.summary }
      : rowOutcome === 'failed'
        ? { status: 'failed', lastError: result.summary }
        : { status: 'delivered' },
  );
  deps.log.info({ outboundId: String(row.id), domain: row.domain, attempt: row.attempts, outcome: rowOutcome, host: result.host, reply: result.summary }, 'outbound attempt');
  metrics.deliveryAttempts.inc({ result: rowOutcome, domain: row.domain });
  return rowOutcome;
}

/** The domain of the message's From header (DKIM d= should align with it for DMARC, RFC 7489 3.1). */
function fromDomain(raw: Buffer): string | null {
  const header = headerBlock(raw).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const from = /^from:(.*)$/im.exec(header)?.[1] ?? '';
  const m = /@([A-Za-z0-9.-]+)\s*>?\s*$/.exec(from.trim()) ?? /@([A-Za-z0-9.-]+)/.exec(from);
  return m ? m[1]!.toLowerCase() : null;
}

/** Signs with the key of the From domain, else of the envelope sender's domain, else not at all. */
async function dkimSign(row: ClaimedOutbound, deps: DeliveryDeps): Promise<Buffer> {
  const candidates = [fromDomain(row.raw), row.sender.includes('@') ? row.sender.slice(row.sender.lastIndexOf('@') + 1).toLowerCase() : null].filter((d): d is string => d !== null);
  const key = candidates.length > 0 ? await deps.store.outbound.firstDkimKey(candidates) : null;
  return key ? signMessage(row.raw, key.domain, key) : row.raw;
}

/** A recipient that failed for good, as reportFailures takes it. */
export interface FailedRecipient {
  reply: RecipientReply;
  orcpt: string | null;
  notify: string[];
  expired: boolean;
}

/**
 * RFC 3464 DSN to the envelope sender for recipients that failed for good. Never for the null
 * sender (a bounce does not bounce: RFC 5321 6.1, RFC 3464 1), and only for recipients whose
 * NOTIFY allows failure reports (RFC 3461 4.1: default FAILURE,DELAY; NEVER = none). List
 * traffic (sender = a list's bounce address) gets no DSN: each failed member's bounce is
 * counted instead (list bounce processing, threshold and action from config).
 */
export async function reportFailures(row: ClaimedOutbound, failed: FailedRecipient[], remoteHost: string | null, deps: ReportDeps): Promise<void> {
  if (row.sender === '') return;
  const list = await deps.store.listBounces.listForBounceAddress(row.sender);
  if (list) {
    const { listBounceThreshold: threshold, listBounceAction: action } = deps.config.delivery;
    await countListBounces(deps.store, list, failed.map((f) => f.reply.address), { threshold, action }, deps.log);
    return;
  }
  const reported = failed.filter((f) => f.notify.length === 0 || f.notify.map((n) => n.toUpperCase()).includes('FAILURE'));
  if (reported.length === 0) return;
  const recipients: DsnRecipient[] = reported.map((f) => ({
    address: f.reply.address,
    orcpt: f.orcpt,
    action: 'failed',
    // RFC 3463 X.4.7: delivery time expired.
    status: f.expired ? '4.4.7' : enhancedStatus(f.reply.code, f.reply.text),
    remoteMta: remoteHost ? remoteHost.replace(/\[.*$/, '') : null,
    diagnostic: f.expired ? `message expired in the queue; last reply: ${f.reply.text}` : f.reply.text,
  }));
  await notifySender(row, recipients, deps);
}

/**
 * One "delivery delayed" DSN per row (RFC 3464 Action: delayed) once a message has waited
 * MAILSTEAD_DELIVERY_DELAY_WARNING, for deferred recipients whose NOTIFY asks for delays
 * (RFC 3461 4.1: no NOTIFY means FAILURE,DELAY). Recorded in the attempt log so it is sent once.
 */
async function warnDelay(
  row: ClaimedOutbound,
  deferred: { reply: RecipientReply; orcpt: string | null; notify: string[] }[],
  remoteHost: string | null,
  retryUntil: Date,
  deps: DeliveryDeps,
): Promise<void> {
  // No delay notices for the null sender, nor for list traffic (the list's bounce address).
  if (row.sender === '' || (await deps.store.listBounces.listForBounceAddress(row.sender))) return;
  const delayed = deferred.filter((d) => d.notify.length === 0 || d.notify.map((n) => n.toUpperCase()).includes('DELAY'));
  if (delayed.length === 0) return;
  await notifySender(
    row,
    delayed.map((d) => ({
      address: d.reply.address,
      orcpt: d.orcpt,
      action: 'delayed' as const,
      status: enhancedStatus(d.reply.code ?? 400, d.reply.text).replace(/^[25]/, '4'),
      remoteMta: remoteHost ? remoteHost.replace(/\[.*$/, '') : null,
      diagnostic: d.reply.text,
      willRetryUntil: retryUntil,
    })),
    deps,
  );
  await deps.store.outbound.logEvent(row.id, DELAY_WARNING, `delay notice sent to <${row.sender}>`);
}

/** Delivers a DSN to the envelope sender: locally into the INBOX, or outbound from <>. */
async function notifySender(row: ClaimedOutbound, recipients: DsnRecipient[], deps: ReportDeps): Promise<void> {
  const dsn = buildDsn({
    reportingMta: deps.config.hostname,
    to: row.sender,
    originalEnvelopeId: row.dsnEnvelopeId,
    arrivalDate: row.createdAt,
    ret: row.dsnReturn,
    original: row.raw,
    recipients,
  });
  const part = await noticePart(deps.store, row.sender, dsn, deps.forwarding);
  if (!part) {
    deps.log.warn({ outboundId: String(row.id), sender: row.sender }, 'bounce for a local sender without a mailbox dropped');
    return;
  }
  const [result] = await deps.store.messages.deliverBatch([part]);
  if (result && result.outboundIds.length > 0) await deps.enqueue(result.outboundIds);
}
