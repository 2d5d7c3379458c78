import { createHash } from 'node:crypto';
import { flagProblem } from '@mailstead/contracts';
import type { OutboundRecipientInput, SieveDeliveryScripts, SieveScriptRecord, Store } from '@mailstead/store';
import type { PipelineLogger } from '../delivery-pipeline';
import type { CopyTarget, DeliveryStep, LocalCopy, MessageUnderCheck } from '../delivery-step';
import { fieldValue, joinMessage, removeFields, splitMessage } from '../message/message-headers';
import { noticePart } from '../notices/notice-part';
import type { DeliveryPart } from '../recipients/delivery-plan';
import { smtpReply } from '../smtp-reply';
import { CompiledScriptCache } from '../sieve/script-cache';
import { spamtestPercent, type SieveAction, type SieveEngine, type SieveRunHost, type SieveRunResult, type SieveScriptError, type SieveVacationAction } from '../sieve/sieve-engine';
import { rejectionNotice, scriptErrorNotice } from '../sieve/sieve-notices';
import { buildVacationReply, encodeWord, vacationFromAddress, vacationRefusal } from '../sieve/vacation-reply';

/** What a redirect needs of the forwarding code (libs/pipeline/src/forwarding: SRS sender, ARC seal). */
export interface RedirectForwarder {
  forwardedPart(input: {
    raw: Buffer;
    originalSender: string;
    recipients: readonly (OutboundRecipientInput | string)[];
    forwardingAddress: string;
    dsn?: { envid: string | null; ret: 'FULL' | 'HDRS' | null } | null;
  }): Promise<DeliveryPart>;
}

export interface SieveStepDeps<S> {
  store: Pick<Store, 'sieve' | 'mailboxes' | 'accounts' | 'domains'>;
  engine: SieveEngine<S>;
  /** our host name: notices' sender, Message-IDs, the environment's "host" (RFC 5183) */
  hostname: string;
  logger: PipelineLogger;
  /** redirect with an SRS sender and an ARC seal; without it the message goes out with its own envelope sender */
  forwarding?: RedirectForwarder;
  /** compiled scripts kept in memory (by id and version) */
  cacheSize?: number;
  now?: () => Date;
}

/**
 * Sieve at final delivery (RFC 5228), for every local account's copy whatever the source (a
 * list member's copy included: the list expanded before), never for the submitter's Sent copy:
 * the global and domain `before` scripts, the user's active script, then the `after` scripts
 * (Pigeonhole's sieve_before/sieve_after) decide where the copy is filed and with which flags
 * (keep, fileinto, imap4flags), whether it is stored at all (discard), its header (editheader),
 * and what else the delivery sends (redirect, vacation, a reject's DSN): all of it becomes parts
 * and records of the delivery's one transaction, so the 250 covers what the script decided.
 *
 * A user script that does not compile or fails while running changes nothing (implicit keep,
 * RFC 5228 2.10.6) and the user gets one notice in INBOX per script version; an admin script's
 * error is logged and keeps too. A message is never lost to a script.
 */
export function sieveStep<S>(deps: SieveStepDeps<S>): DeliveryStep {
  const cache = new CompiledScriptCache<S>(deps.engine, deps.cacheSize);
  const now = () => deps.now?.() ?? new Date();
  return {
    name: 'sieve',
    sources: ['mx', 'submission', 'webmail'],
    async copy(message, copy) {
      const scripts = await deps.store.sieve.forDelivery(copy.mailbox.accountId);
      if (!scripts || (!scripts.personal && scripts.before.length === 0 && scripts.after.length === 0)) return undefined;
      return new SieveDelivery(deps, cache, message, copy, scripts, now()).run();
    },
  };
}

/** One copy's Sieve run and what it makes of the copy. */
class SieveDelivery<S> {
  private readonly accountId: number;
  private readonly parts: DeliveryPart[] = [];

  constructor(
    private readonly deps: SieveStepDeps<S>,
    private readonly cache: CompiledScriptCache<S>,
    private readonly message: MessageUnderCheck,
    private readonly copy: LocalCopy,
    private readonly scripts: SieveDeliveryScripts,
    private readonly now: Date,
  ) {
    this.accountId = copy.mailbox.accountId;
  }

  async run() {
    const compiled: S[] = [];
    let userIndex: number | null = null;
    const add = (record: SieveScriptRecord, personal: boolean): SieveScriptError[] | null => {
      const result = this.cache.get(record);
      if (!result.ok) return result.errors;
      if (personal) userIndex = compiled.length;
      compiled.push(result.script);
      return null;
    };
    for (const r of this.scripts.before) this.adminError(r, add(r, false));
    const userErrors = this.scripts.personal ? add(this.scripts.personal, true) : null;
    for (const r of this.scripts.after) this.adminError(r, add(r, false));
    // a user script that does not compile is left out: the admins' scripts still run around it
    if (userErrors) await this.reportUserError(userErrors);
    if (compiled.length === 0) return this.finish();

    let result: SieveRunResult;
    try {
      result = await this.deps.engine.run(compiled, this.copy.raw, this.input(), this.host());
    } catch (error) {
      result = { actions: [], headers: null, duplicates: [], error: { message: error instanceof Error ? error.message : String(error), script: null } };
    }
    if (result.error) {
      // RFC 5228 2.10.6: nothing the script did counts; the copy is kept where it would have gone
      const byUser = result.error.script === null ? userIndex !== null : result.error.script === userIndex;
      this.deps.logger.warn({ account: this.accountId, error: result.error.message, byUser }, 'sieve run-time error: message kept');
      if (byUser && this.scripts.personal) await this.reportUserError(result.error.message);
      return this.finish();
    }
    return this.apply(result);
  }

  private adminError(record: SieveScriptRecord, errors: SieveScriptError[] | null): void {
    if (errors) this.deps.logger.error({ account: this.accountId, script: record.name, place: record.place, domain: record.domainId, errors }, 'admin sieve script does not compile: skipped');
  }

  private input() {
    const { envelope } = this.message;
    const client = envelope.client;
    const named = this.copy.list ? null : this.message.recipients.find((r) => r.resolution.mailboxes.some((m) => m.accountId === this.accountId));
    return {
      envelope: { from: envelope.sender, to: named?.resolution.address ?? this.copy.mailbox.address, auth: envelope.submitter?.address ?? null },
      // RFC 5183 4
      environment: {
        domain: this.deps.hostname.includes('.') ? this.deps.hostname.slice(this.deps.hostname.indexOf('.') + 1) : this.deps.hostname,
        host: this.deps.hostname,
        location: 'MDA',
        phase: 'during',
        name: 'Mailstead',
        ...(client ? { 'remote-host': client.hostname || client.ip, 'remote-ip': client.ip } : {}),
      },
      ...(this.message.symbols.length > 0 ? { spamScore: spamtestPercent(this.message.score) } : {}),
      now: this.now,
      userAddresses: this.scripts.addresses,
    };
  }

  private host(): SieveRunHost {
    const { store } = this.deps;
    return {
      include: async (name, scope) => (scope === 'personal' ? ((await store.sieve.get(this.accountId, name))?.content ?? null) : ((await store.sieve.globalInclude(name))?.content ?? null)),
      duplicateSeen: (key) => store.sieve.duplicateSeen(this.accountId, duplicateKey(key)),
      mailboxExists: async (name) => (await store.mailboxes.findByName(this.accountId, name)) !== null,
    };
  }

  private async apply(result: SieveRunResult) {
    const { copy, message } = this;
    if (result.headers) {
      copy.raw = withHeader(copy.raw, result.headers);
      copy.parsed = undefined;
    }
    const into = new Map<string, CopyTarget>();
    const file = (key: string, target: CopyTarget) => {
      // RFC 5228 4.1 / 2.10.3: the same mailbox twice is one copy
      if (!into.has(key)) into.set(key, target);
    };
    let reject: Extract<SieveAction, { type: 'reject' }> | null = null;
    const vacations: SieveVacationAction[] = [];
    for (const action of result.actions) {
      switch (action.type) {
        case 'keep':
          file(`id:${copy.mailboxId}`, { mailboxId: copy.mailboxId, flags: action.flags.length > 0 ? validFlags(action.flags) : copy.flags });
          break;
        case 'fileinto': {
          const flags = validFlags(action.flags);
          const box = await this.deps.store.mailboxes.findByName(this.accountId, action.mailbox);
          if (box) file(`id:${box.id}`, { mailboxId: box.id, flags });
          else if (action.create) file(`new:${action.mailbox}`, { create: { accountId: this.accountId, name: action.mailbox }, flags });
          else {
            // as Pigeonhole without autocreate: the message is not lost, it stays where keep puts it
            this.deps.logger.warn({ account: this.accountId, mailbox: action.mailbox }, 'sieve fileinto a mailbox that does not exist: kept instead');
            file(`id:${copy.mailboxId}`, { mailboxId: copy.mailboxId, flags });
          }
          break;
        }
        case 'redirect':
          this.parts.push(await this.redirect(action.address));
          break;
        case 'discard':
          break;
        case 'reject':
          reject = action;
          break;
        case 'vacation':
          vacations.push(action);
          break;
      }
    }
    copy.into = [...into.values()];
    if (reject) {
      const refused = await this.reject(reject);
      if (refused) return refused;
    }
    for (const v of vacations) await this.vacation(v);
    if (result.duplicates.length > 0) {
      copy.records = { duplicates: result.duplicates.map((d) => ({ accountId: this.accountId, key: duplicateKey(d.key), until: new Date(this.now.getTime() + d.seconds * 1000) })) };
    }
    this.deps.logger.info(
      { session: message.envelope.client?.sessionId, account: this.accountId, actions: result.actions.map((a) => a.type), stored: copy.into.length, parts: this.parts.length },
      'sieve applied',
    );
    return this.finish();
  }

  private finish() {
    if (this.parts.length > 0) this.copy.parts = [...(this.copy.parts ?? []), ...this.parts];
    return undefined;
  }

  /** The copy as it leaves for `address`: our trace on top, its Return-Path removed (RFC 5321 4.4). */
  private async redirect(address: string): Promise<DeliveryPart> {
    const { envelope } = this.message;
    if (this.deps.forwarding) {
      return this.deps.forwarding.forwardedPart({ raw: this.copy.raw, originalSender: envelope.sender, recipients: [address], forwardingAddress: this.copy.mailbox.address, dsn: envelope.dsn });
    }
    const { header, body } = splitMessage(this.copy.raw);
    return {
      raw: joinMessage(removeFields(header, ['return-path']), body),
      targets: [],
      options: { outbound: { sender: envelope.sender, recipients: [{ address }], envelopeId: envelope.dsn?.envid ?? null, ret: envelope.dsn?.ret ?? null } },
    };
  }

  /**
   * RFC 5429 2.1 / 2.2: refused in the SMTP dialogue when the message is for this recipient
   * alone (the MX's 550 5.7.1 with the script's reason), else accepted and answered with a DSN
   * to the envelope sender (none to the null sender).
   */
  private async reject(action: Extract<SieveAction, { type: 'reject' }>) {
    const { envelope, plan } = this.message;
    const reason = action.reason.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim().slice(0, 400) || 'Message rejected';
    const alone = plan.mailboxes.length + plan.remote.length + plan.lists.length === 1 && !this.copy.list;
    if (envelope.source === 'mx' && alone) return smtpReply(550, '5.7.1', reason);
    if (envelope.sender === '') return undefined;
    const dsn = rejectionNotice({ hostname: this.deps.hostname, sender: envelope.sender, recipient: this.copy.mailbox.address, reason: action.reason, original: this.copy.raw, envid: envelope.dsn?.envid ?? null, now: this.now });
    const part = await noticePart(this.deps.store, envelope.sender, dsn);
    if (part) this.parts.push(part);
    return undefined;
  }

  /**
   * RFC 5230 4-6: the interpreter found the message eligible; the delivery refuses what must
   * never be answered, skips a sender answered within the period, and commits the reply with a
   * claim on the sender's record, which the transaction wins only if no reply is current.
   */
  private async vacation(action: SieveVacationAction): Promise<void> {
    const sender = this.message.envelope.sender;
    const refusal = vacationRefusal(sender, splitMessage(this.copy.raw).header, this.scripts.addresses);
    if (refusal) {
      this.deps.logger.info({ account: this.accountId, sender, refusal }, 'vacation: not answered');
      return;
    }
    if (await this.deps.store.sieve.vacationReplied(this.accountId, action.handle, sender)) return;
    const wanted = action.from ? vacationFromAddress(action.from) : null;
    const own = action.recipient && (await this.deps.store.accounts.canSendAs(this.accountId, action.recipient)) ? action.recipient : this.copy.mailbox.address;
    const from = wanted && (await this.deps.store.accounts.canSendAs(this.accountId, wanted)) ? action.from!.replace(/[\r\n]+/g, ' ') : `<${own}>`;
    const reply = buildVacationReply({ action, to: sender, from, original: this.copy.raw, hostname: this.deps.hostname, now: this.now });
    // RFC 5230 5.1: from the null sender, so nothing answers the answer
    const part = await noticePart(this.deps.store, sender, reply);
    if (!part) return;
    part.options = { ...part.options, vacationClaim: { accountId: this.accountId, handle: action.handle, sender, until: new Date(this.now.getTime() + action.seconds * 1000) } };
    this.parts.push(part);
  }

  /**
   * The user's one notice per script version: the delivery's transaction marks the version
   * reported and commits the notice only if it is the one that did (scriptErrorClaim).
   */
  private async reportUserError(errors: SieveScriptError[] | string): Promise<void> {
    const script = this.scripts.personal!;
    if (script.reportedVersion !== null && script.reportedVersion >= script.version) return;
    const inbox = await this.deps.store.mailboxes.findByName(this.accountId, 'INBOX');
    if (!inbox) return;
    const subject = fieldValue(splitMessage(this.copy.raw).header, 'Subject') ?? '';
    const notice = scriptErrorNotice({ hostname: this.deps.hostname, to: this.copy.mailbox.address, scriptName: script.name, version: script.version, errors, subject, now: this.now });
    this.parts.push({ raw: Buffer.concat([Buffer.from('Return-Path: <>\r\n'), notice]), targets: [{ mailboxId: inbox.id }], options: { scriptErrorClaim: { scriptId: script.id, version: script.version } } });
  }
}

/** Keys of the duplicate test as stored: a fixed-length digest of what the interpreter tracks. */
function duplicateKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** System flags and keywords IMAP can store (RFC 5232 3: others are ignored). */
function validFlags(flags: readonly string[]): string[] {
  return [...new Set(flags.filter((f) => flagProblem(f) === undefined))];
}

/** The copy with its header replaced by the fields editheader left (RFC 5293), the body untouched. */
function withHeader(raw: Buffer, fields: readonly { name: string; value: string; raw?: string }[]): Buffer {
  const { body } = splitMessage(raw);
  // a kept field as it was written; an added one unfolded, RFC 2047-encoded when not ASCII (RFC 5293 4)
  const header = fields.map((f) => `${f.raw ?? `${f.name}: ${encodeWord(f.value)}`}\r\n`).join('');
  return joinMessage(Buffer.from(header, 'utf8').toString('latin1'), body);
}
