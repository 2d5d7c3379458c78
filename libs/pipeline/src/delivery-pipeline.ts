import { buildDsn, parseMessage, withPrependedFields } from '@mailstead/mime';
import { StoreError, type DeliveryRecords, type Store } from '@mailstead/store';
import type { ClientInfo, DeliveryReceipt, DeliveryStep, Envelope, LocalCopy, MessageSource, MessageUnderCheck, StepResult } from './delivery-step';
import { prependFields } from './message/message-headers';
import { noticePart } from './notices/notice-part';
import { copyPart, listCopies, mergeRecipients, remoteParts, type DeliveryPart, type ListLinks, type RecipientInput } from './recipients/delivery-plan';
import type { RecipientResolver, Resolution } from './recipients/recipient-resolver';
import { REPLIES } from './smtp-reply';
import { metrics } from '@mailstead/metrics';

export interface PipelineLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PipelineDeps {
  store: Store;
  resolver: RecipientResolver;
  /** our host name: the Reporting-MTA of the DSNs the pipeline sends */
  hostname: string;
  /** in the order they run, phase by phase */
  steps: readonly DeliveryStep[];
  /** public URL and secret for list members' one-click unsubscribe links (none: no List-Unsubscribe) */
  listLinks?: ListLinks;
  logger: PipelineLogger;
  /**
   * After COMMIT, with the outbound rows just created: the delivery queue's enqueue. Postgres
   * stays the source of truth (the worker's reconciler enqueues due rows this missed).
   */
  onOutbound?: (ids: bigint[]) => void;
}

type Phase = 'connect' | 'sender' | 'recipient' | 'message' | 'copy' | 'committed';

/**
 * The delivery pipeline (docs/architecture.md, "Delivery pipeline"): every message, whether it
 * comes to the MX, through submission or from the webmail, goes through the same phases:
 *
 *   connect -> sender (MAIL FROM) -> recipient (each RCPT: resolve, then the steps)
 *   -> message (after DATA) -> plan the copies -> copy (each local copy) -> ONE commit -> committed
 *
 * Steps (libs/pipeline/src/steps) decide; the pipeline plans copies and commits. A reply from a
 * step ends its phase with that reply and nothing stored.
 */
export class DeliveryPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  get resolver(): RecipientResolver {
    return this.deps.resolver;
  }

  /** The steps of one phase for one source, in order. */
  stepsFor(source: MessageSource, phase: Phase): DeliveryStep[] {
    return this.deps.steps.filter((s) => s.sources.includes(source) && typeof s[phase] === 'function');
  }

  /** Connection checks; throws the SmtpReply of the first step that refuses. */
  async connect(source: MessageSource, client: ClientInfo): Promise<void> {
    for (const step of this.stepsFor(source, 'connect')) throwIf(await step.connect!(client));
  }

  /** MAIL FROM: starts a transaction, or throws the SmtpReply of the step that refuses the sender. */
  async begin(envelope: Envelope): Promise<DeliveryTransaction> {
    for (const step of this.stepsFor(envelope.source, 'sender')) throwIf(await step.sender!(envelope));
    return new DeliveryTransaction(this, this.deps, envelope);
  }
}

function throwIf(result: StepResult): void {
  if (result) throw result;
}

/**
 * One message's way through the pipeline, from MAIL FROM to COMMIT (Maddy's StartDelivery ->
 * AddRcpt -> Body -> Commit). Nothing is stored before `deliver` commits, apart from a held
 * list post's moderation entry, which is idempotent on its bytes.
 */
export class DeliveryTransaction {
  /** accepted recipients by lower-cased address: a repeated RCPT replaces its first (as smtp-server's envelope does) */
  private readonly accepted = new Map<string, RecipientInput>();

  constructor(
    private readonly pipeline: DeliveryPipeline,
    private readonly deps: PipelineDeps,
    readonly envelope: Envelope,
  ) {}

  /** RCPT: resolves the address, runs the recipient steps; throws the SmtpReply that refuses it. */
  async addRecipient(address: string, dsn: { notify?: string[]; orcpt?: string | null } = {}): Promise<Resolution> {
    const outcome = await this.deps.resolver.resolve(address, { sender: this.envelope.sender, size: this.envelope.declaredSize });
    if (!outcome.ok) throw outcome.reply;
    const recipient: RecipientInput = { resolution: outcome.resolution, notify: dsn.notify, orcpt: dsn.orcpt ?? null };
    for (const step of this.pipeline.stepsFor(this.envelope.source, 'recipient')) throwIf(await step.recipient!(this.envelope, recipient));
    this.accepted.set(address.toLowerCase(), recipient);
    return outcome.resolution;
  }

  get recipients(): RecipientInput[] {
    return [...this.accepted.values()];
  }

  /**
   * DATA: the message steps, the copies, the copy steps, then every copy and outbound row in
   * ONE transaction. Returns only after COMMIT (so SMTP may answer 250, RFC 5321 4.2.5); throws
   * an SmtpReply (or any error, which SMTP answers 451) with nothing stored.
   */
  async deliver(received: Buffer): Promise<DeliveryReceipt> {
    const { envelope } = this;
    const source = envelope.source;
    const recipients = this.recipients;
    const message: MessageUnderCheck = {
      envelope,
      recipients,
      plan: mergeRecipients(recipients),
      received,
      raw: received,
      sentCopy: null,
      trace: [],
      junk: null,
      score: 0,
      symbols: [],
    };
    for (const step of this.pipeline.stepsFor(source, 'message')) throwIf(await step.message!(message));

    const messageLimit = this.deps.resolver.messageLimit;
    const { plan } = message;
    const withTrace = prependFields(message.raw, message.trace);
    const copies: LocalCopy[] = [];
    const outbound: DeliveryPart[] = [];
    // Return-Path and Delivered-To at final delivery (RFC 5321 4.4; Delivered-To as Postfix's
    // local/virtual delivery writes it, naming the final recipient). Each local recipient gets its
    // own copy, so several local recipients mean several blobs: the bytes differ by that field.
    // One MIME parse serves them all (withPrependedFields shifts its offsets per copy).
    const traced = plan.mailboxes.length > 0 ? parseMessage(withTrace) : undefined;
    for (const m of plan.mailboxes) {
      const fields = [`Return-Path: <${envelope.sender}>`, `Delivered-To: ${m.address}`];
      const raw = prependFields(withTrace, fields);
      copies.push({ mailbox: m, list: null, raw, parsed: withPrependedFields(traced!, fields, raw), mailboxId: m.mailboxId, flags: [] });
    }
    // remote recipients named by the client keep the sender; forwarded ones get SRS and ARC
    outbound.push(...(await remoteParts(withTrace, plan, envelope, this.deps.resolver.forwarding)));
    const held: string[] = [];
    for (const list of plan.lists) {
      if (list.held) {
        // before the main transaction, idempotent on the bytes: a retry after a 451 does not queue it twice
        await this.deps.store.recipients.holdForModeration(list.list.id, received, envelope.sender);
        held.push(list.list.address);
        continue;
      }
      const members = listCopies(withTrace, list, { links: this.deps.listLinks, messageLimit });
      copies.push(...members.local);
      outbound.push(...members.outbound);
    }
    const copySteps = this.pipeline.stepsFor(source, 'copy');
    for (const copy of copies) {
      for (const step of copySteps) {
        throwIf(await step.copy!(message, copy));
        if (copy.failed || copy.held) break;
      }
    }
    const failed = copies.filter((c) => c.failed);
    const delivered = copies.filter((c) => !c.failed && !c.held);
    // Nobody can take it: refuse it (the sender may try again later) rather than accept and bounce.
    if (failed.length > 0 && delivered.length === 0 && outbound.length === 0 && held.length === 0) throw failed[0]!.failed!;

    // a copy a step filed nowhere (Sieve discard) is delivered without a part; the parts it added (redirect, vacation) still go
    const parts: DeliveryPart[] = [...delivered.filter((c) => c.into?.length !== 0).map((c) => copyPart(c, messageLimit)), ...outbound];
    const added = delivered.flatMap((c) => c.parts ?? []);
    const records: DeliveryRecords = { duplicates: delivered.flatMap((c) => c.records?.duplicates ?? []) };
    // what the recipients get, before the Sent copy and the DSN join the transaction
    const counts = { local: delivered.length, remote: outbound.reduce((n, p) => n + (p.options?.outbound?.recipients.length ?? 0), 0) };
    parts.push(...added);
    // The failed recipients' DSN commits with the copies: a 250 never hides a lost recipient.
    const report = failed.length > 0 ? await this.failureReport(message, withTrace, failed) : null;
    if (report) parts.push(report);
    let sentMailboxId: number | null = null;
    if (envelope.submitter && message.sentCopy) {
      sentMailboxId = await this.deps.store.recipients.mailboxId(envelope.submitter.accountId, { specialUse: '\\Sent' });
      if (sentMailboxId !== null) parts.push({ raw: message.sentCopy, targets: [{ mailboxId: sentMailboxId, flags: ['\\Seen'] }], options: { limits: { messageLimit } } });
    }
    const receipt = await this.commit(parts, records, { held, sentMailboxId, counts, failed: failed.map((c) => c.mailbox.address) });
    // COMMITTED. Outbound rows exist in Postgres; the delivery worker picks them up.
    if (receipt.local > 0) metrics.localDeliveries.inc({ source }, receipt.local);
    if (receipt.outboundIds.length > 0) this.deps.onOutbound?.(receipt.outboundIds);
    for (const step of this.pipeline.stepsFor(source, 'committed')) {
      try {
        await step.committed!(message, receipt);
      } catch (error) {
        this.deps.logger.error({ session: envelope.client?.sessionId, err: error, step: step.name }, 'after-commit step failed');
      }
    }
    this.deps.logger.info(
      {
        session: envelope.client?.sessionId,
        source,
        sender: envelope.sender,
        recipients: recipients.length,
        local: receipt.local,
        remote: receipt.remote,
        lists: plan.lists.length,
        held,
        size: message.raw.length,
        ...(message.junk ? { junk: message.junk } : {}),
      },
      'message stored',
    );
    return receipt;
  }

  /**
   * The DSN for local recipients a copy step failed after DATA (RFC 3464 Action: failed; a
   * temporary reason becomes permanent, as the message is not kept to try again, like Dovecot
   * LMTP's default quota_full_tempfail=no). None to the null sender, nor for a recipient whose
   * NOTIFY leaves failures out (RFC 3461 4.1: no NOTIFY means FAILURE,DELAY).
   */
  private async failureReport(message: MessageUnderCheck, original: Buffer, failed: LocalCopy[]): Promise<DeliveryPart | null> {
    const { envelope } = message;
    if (envelope.sender === '') return null;
    const named = (c: LocalCopy) => message.recipients.find((r) => r.resolution.mailboxes.some((m) => m.accountId === c.mailbox.accountId));
    const reported = failed.flatMap((c) => {
      const rcpt = named(c);
      const notify = (rcpt?.notify ?? []).map((n) => n.toUpperCase());
      if (notify.length > 0 && !notify.includes('FAILURE')) return [];
      const reply = c.failed!;
      const status = reply.enhancedCode.replace(/^4/, '5');
      return [{
        address: c.mailbox.address,
        orcpt: rcpt ? (rcpt.orcpt ?? `rfc822;${rcpt.resolution.address}`) : null,
        action: 'failed' as const,
        status,
        remoteMta: null,
        diagnostic: `${String(reply.responseCode).replace(/^4/, '5')} ${status} ${reply.text}`,
      }];
    });
    if (reported.length === 0) return null;
    const dsn = buildDsn({
      reportingMta: this.deps.hostname,
      to: envelope.sender,
      originalEnvelopeId: envelope.dsn?.envid ?? null,
      arrivalDate: new Date(),
      ret: envelope.dsn?.ret ?? null,
      original,
      recipients: reported,
    });
    const part = await noticePart(this.deps.store, envelope.sender, dsn);
    if (!part) this.deps.logger.warn({ session: envelope.client?.sessionId, sender: envelope.sender }, 'DSN for a local sender without a mailbox dropped');
    return part;
  }

  private async commit(parts: DeliveryPart[], records: DeliveryRecords, info: { held: string[]; sentMailboxId: number | null; counts: { local: number; remote: number }; failed: string[] }): Promise<DeliveryReceipt> {
    let stored: DeliveryReceipt['stored'] = [];
    let outboundIds: bigint[] = [];
    if (parts.length > 0 || (records.duplicates?.length ?? 0) > 0) {
      try {
        const results = await this.deps.store.messages.deliverBatch(parts, records);
        stored = results.flatMap((r) => r.stored.map((s) => ({ id: s.id, mailboxId: s.mailboxId, uid: s.uid })));
        outboundIds = results.flatMap((r) => r.outboundIds);
      } catch (error) {
        if (error instanceof StoreError && error.code === 'over_quota') throw REPLIES.overQuota();
        throw error;
      }
    }
    // A list member filled since RCPT is skipped by the store (skipOverQuota): counted as planned.
    return { stored, outboundIds, held: info.held, ...info.counts, sentMailboxId: info.sentMailboxId, failed: info.failed };
  }
}
