import { randomUUID } from 'node:crypto';
import type { MailRule, RuleApplyRun, RuleEntry, RuleSetDto, RuleTestItem, VacationSettings } from '@mailstead/contracts';
import type { MailsteadConfig } from '@mailstead/config';
import { compileSieve, runSieve, sieveMessage, type CompiledSieve, type SieveHost, type SieveOutcome } from '@mailstead/sieve';
import type { MailboxInfo, Store } from '@mailstead/store';
import type { MailboxService } from './mailbox.service';
import { checkSieveSource } from './sieve-compiler';
import { readRules, ruleSieve, rulesToSieve, neededExtensions } from './sieve-rules';
import type { SieveScriptService } from './sieve-script.service';
import { invalid, notFound } from './service-error';

/** The script the webmail creates (and activates) when the account has no active one. */
export const WEBMAIL_SCRIPT_NAME = 'mailstead';
/** How long a finished apply run can still be looked at and undone. */
const RUN_LIFETIME_MS = 60 * 60 * 1000;

interface MessageInFolder {
  id: bigint;
  uid: number;
  subject: string;
  fromAddress?: string;
  fromName?: string;
  internalDate: Date;
  seen: boolean;
  answered: boolean;
  flagged: boolean;
  deleted: boolean;
  draft: boolean;
  keywords: string[];
}

/** What a script's outcome means for a message already in `folder`. */
interface Plan {
  /** Where the message itself goes; null: it stays. */
  moveTo: string | null;
  copies: { mailbox: string; flags: string[]; create: boolean }[];
  /** Flags the message (where it ends up) gets that it lacks. */
  addFlags: string[];
  /** Actions that are not carried out on existing mail (forward, reject, vacation, discard). */
  skipped: string[];
  create: boolean;
}

type Change =
  | { kind: 'move'; from: number; to: number; uid: number }
  | { kind: 'copy'; mailboxId: number; uid: number }
  | { kind: 'flags'; mailboxId: number; uid: number; flags: string[] };

interface Run {
  accountId: number;
  dto: RuleApplyRun;
  changes: Change[];
  finishedAt: number | null;
}

const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];
/** Sieve flags are case-insensitive for system flags (RFC 5232 2); the store wants the IMAP spelling. */
const imapFlag = (flag: string) => SYSTEM_FLAGS.find((f) => f.toLowerCase() === flag.toLowerCase()) ?? flag;

function flagsOf(m: MessageInFolder): Set<string> {
  const flags = new Set(m.keywords);
  if (m.seen) flags.add('\\Seen');
  if (m.answered) flags.add('\\Answered');
  if (m.flagged) flags.add('\\Flagged');
  if (m.deleted) flags.add('\\Deleted');
  if (m.draft) flags.add('\\Draft');
  return flags;
}

const flagWords = (flag: string) => (flag === '\\Seen' ? 'Mark as read' : flag === '\\Flagged' ? 'Flag' : flag.startsWith('\\') ? `Set ${flag}` : `Add keyword ${flag}`);

/** The envelope sender of a stored message: its Return-Path, else the From address. */
function envelopeSender(raw: Buffer, fallback: string): string {
  const head = raw.subarray(0, Math.min(raw.length, 16 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const m = /^Return-Path:[ \t]*<([^>\r\n]*)>/im.exec(end < 0 ? head : head.slice(0, end));
  return m ? m[1]! : fallback;
}

/**
 * The webmail's Rules and Vacation pages: the account's active Sieve script read as rules
 * (sieve-rules.ts), saved through SieveScriptService (compiled, quotas, activated), and run
 * over mail already stored: a dry run that says per message what would happen, and an apply
 * run that moves, copies and flags as the script says, remembering each change so it can be
 * undone. Forward, reject, vacation and discard are never carried out on existing mail.
 */
export class SieveRulesService {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly store: Store,
    private readonly scripts: SieveScriptService,
    private readonly mailboxes: MailboxService,
    private readonly config: MailsteadConfig,
  ) {}

  async get(accountId: number): Promise<RuleSetDto> {
    const active = await this.scripts.active(accountId);
    if (!active) return { scriptName: WEBMAIL_SCRIPT_NAME, exists: false, script: '', entries: [], vacation: null, errors: [] };
    const parsed = readRules(active.content);
    const check = checkSieveSource(active.content);
    return { scriptName: active.name, exists: true, script: active.content, entries: parsed.entries, vacation: parsed.vacation, errors: check.ok ? [] : check.errors };
  }

  /** Replaces the rules and raw blocks; the vacation block and the extensions raw blocks need stay. */
  async saveRules(accountId: number, entries: RuleEntry[]): Promise<RuleSetDto> {
    const active = await this.scripts.active(accountId);
    const parsed = readRules(active?.content ?? '');
    return this.save(accountId, rulesToSieve({ ...parsed, entries }));
  }

  async saveVacation(accountId: number, vacation: VacationSettings | null): Promise<RuleSetDto> {
    const active = await this.scripts.active(accountId);
    const parsed = readRules(active?.content ?? '');
    return this.save(accountId, rulesToSieve({ ...parsed, vacation }));
  }

  saveScript(accountId: number, script: string): Promise<RuleSetDto> {
    return this.save(accountId, script);
  }

  /** The Sieve a rule becomes, with the require line it needs. */
  preview(rule: MailRule): string {
    const extensions = neededExtensions([rule], null).sort();
    return `${extensions.length > 0 ? `require [${extensions.map((e) => JSON.stringify(e)).join(', ')}];\n\n` : ''}${ruleSieve(rule)}\n`;
  }

  /** Dry run over the newest `limit` messages of a folder. */
  async test(accountId: number, address: string, input: { mailboxId: number; limit: number; rule?: MailRule }): Promise<RuleTestItem[]> {
    const folder = await this.mailboxes.get(accountId, input.mailboxId);
    const script = await this.scriptFor(accountId, input.rule);
    const rows = await this.store.webmail.listMessages(accountId, folder.id, { sort: 'date', order: 'desc', limit: input.limit });
    const items: RuleTestItem[] = [];
    for (const row of rows) {
      const raw = await this.store.messages.raw(folder.id, row.uid);
      const outcome = await this.run(accountId, address, script, raw, row.fromAddress);
      const plan = planFor(outcome, folder.name, row);
      const outcomeWords = [
        ...(plan.moveTo ? [`Move to ${plan.moveTo}`] : []),
        ...plan.copies.map((c) => `Copy to ${c.mailbox}`),
        ...plan.addFlags.map(flagWords),
        ...plan.skipped,
      ];
      const unchanged = !plan.moveTo && plan.copies.length === 0 && plan.addFlags.length === 0 && plan.skipped.length === 0;
      items.push({
        messageId: row.id.toString(),
        subject: row.subject,
        from: row.fromName ? `${row.fromName} <${row.fromAddress}>` : row.fromAddress,
        date: row.internalDate.toISOString(),
        outcome: unchanged ? [`Keep in ${folder.name}`] : outcomeWords,
        unchanged,
        error: outcome.error ? `line ${outcome.error.line}, column ${outcome.error.column}: ${outcome.error.message}` : null,
      });
    }
    return items;
  }

  /** Starts a run over every message of the folder; poll it with `applyStatus`. */
  async startApply(accountId: number, address: string, input: { mailboxId: number; rule?: MailRule }): Promise<RuleApplyRun> {
    this.forgetOldRuns();
    const folder = await this.mailboxes.get(accountId, input.mailboxId);
    const script = await this.scriptFor(accountId, input.rule);
    const messages = await this.store.messages.list(folder.id);
    const run: Run = {
      accountId,
      changes: [],
      finishedAt: null,
      dto: { id: randomUUID(), state: 'running', mailboxId: folder.id, total: messages.length, processed: 0, moved: 0, copied: 0, flagged: 0, skipped: 0, error: null },
    };
    this.runs.set(run.dto.id, run);
    void this.execute(run, address, folder, script, messages).then(
      () => this.finish(run, 'done'),
      (e: unknown) => this.finish(run, 'failed', e),
    );
    return { ...run.dto };
  }

  applyStatus(accountId: number, id: string): RuleApplyRun {
    return { ...this.ownRun(accountId, id).dto };
  }

  /** Reverts a finished run: flags taken off again, copies removed, moved messages moved back. */
  async undo(accountId: number, id: string): Promise<RuleApplyRun> {
    const run = this.ownRun(accountId, id);
    if (run.dto.state !== 'done' && run.dto.state !== 'failed') throw invalid(`This run is ${run.dto.state}; only a finished run can be undone`);
    run.dto.state = 'undoing';
    try {
      for (const change of [...run.changes].reverse()) {
        // best effort: a message the user deleted or moved since is left alone
        try {
          if (change.kind === 'flags') await this.store.messages.updateFlags(change.mailboxId, [change.uid], 'remove', change.flags);
          else if (change.kind === 'copy') await this.store.messages.expunge(change.mailboxId, [change.uid], { deletedOnly: false });
          else await this.store.messages.copy(change.to, [change.uid], change.from, true);
        } catch {
          // the message is gone or moved elsewhere
        }
      }
      run.changes = [];
      run.dto.state = 'undone';
    } catch (e) {
      run.dto.state = 'failed';
      run.dto.error = e instanceof Error ? e.message : String(e);
    }
    return { ...run.dto };
  }

  private async execute(run: Run, address: string, folder: MailboxInfo, script: CompiledSieve, messages: MessageInFolder[]): Promise<void> {
    const accountId = run.accountId;
    const boxes = new Map<string, MailboxInfo | null>();
    const box = async (name: string, create: boolean): Promise<MailboxInfo | null> => {
      if (!boxes.has(name) || (create && !boxes.get(name))) {
        let found = await this.store.mailboxes.findByName(accountId, name);
        if (!found && create) found = await this.store.mailboxes.create(accountId, name);
        boxes.set(name, found);
      }
      return boxes.get(name) ?? null;
    };
    for (const m of messages) {
      const raw = await this.store.messages.raw(folder.id, m.uid).catch(() => null);
      if (raw) {
        const plan = planFor(await this.run(accountId, address, script, raw, ''), folder.name, m);
        if (plan.skipped.length > 0) run.dto.skipped++;
        for (const copy of plan.copies) {
          const target = await box(copy.mailbox, copy.create);
          if (!target) continue;
          const { pairs } = await this.store.messages.copy(folder.id, [m.uid], target.id, false, { messageLimit: this.config.imap.messageQuota });
          for (const [, uid] of pairs) {
            run.changes.push({ kind: 'copy', mailboxId: target.id, uid });
            const extra = copy.flags.filter((f) => !flagsOf(m).has(f));
            if (extra.length > 0) await this.store.messages.updateFlags(target.id, [uid], 'add', extra);
            run.dto.copied++;
          }
        }
        let at = { mailboxId: folder.id, uid: m.uid };
        const target = plan.moveTo ? await box(plan.moveTo, plan.create) : null;
        if (target) {
          const { pairs } = await this.store.messages.copy(folder.id, [m.uid], target.id, true);
          const moved = pairs[0];
          if (moved) {
            run.changes.push({ kind: 'move', from: folder.id, to: target.id, uid: moved[1] });
            at = { mailboxId: target.id, uid: moved[1] };
            run.dto.moved++;
          }
        }
        if (plan.addFlags.length > 0) {
          await this.store.messages.updateFlags(at.mailboxId, [at.uid], 'add', plan.addFlags);
          run.changes.push({ kind: 'flags', ...at, flags: plan.addFlags });
          run.dto.flagged++;
        }
      }
      run.dto.processed++;
    }
  }

  private finish(run: Run, state: 'done' | 'failed', error?: unknown): void {
    run.dto.state = state;
    if (error !== undefined) run.dto.error = error instanceof Error ? error.message : String(error);
    run.finishedAt = Date.now();
  }

  private ownRun(accountId: number, id: string): Run {
    this.forgetOldRuns();
    const run = this.runs.get(id);
    if (!run || run.accountId !== accountId) throw notFound('apply run');
    return run;
  }

  private forgetOldRuns(): void {
    const now = Date.now();
    for (const [id, run] of this.runs) if (run.finishedAt !== null && now - run.finishedAt > RUN_LIFETIME_MS) this.runs.delete(id);
  }

  /** The rule alone (as if enabled), or the account's saved active script. */
  private async scriptFor(accountId: number, rule: MailRule | undefined): Promise<CompiledSieve> {
    const source = rule ? rulesToSieve({ entries: [{ kind: 'rule', rule: { ...rule, enabled: true } }], vacation: null, extensions: [] }) : ((await this.scripts.active(accountId))?.content ?? '');
    const compiled = compileSieve(source, { limits: { maxScriptBytes: Number.MAX_SAFE_INTEGER } });
    if (!compiled.ok) {
      const lines = compiled.errors.map((e) => `line ${e.line}, column ${e.column}: ${e.message}`);
      throw invalid(`The script has errors: ${lines.join('; ')}`, { content: lines });
    }
    return compiled.script;
  }

  private run(accountId: number, address: string, script: CompiledSieve, raw: Buffer, from: string): Promise<SieveOutcome> {
    const host: SieveHost = {
      include: async (name, location) =>
        location === 'personal' ? ((await this.store.sieve.get(accountId, name))?.content ?? null) : ((await this.store.sieve.globalInclude(name))?.content ?? null),
      // a dry run over stored mail has no delivery to have seen it before
      duplicateSeen: () => Promise.resolve(false),
      mailboxExists: async (name) => (await this.store.mailboxes.findByName(accountId, name)) !== null,
    };
    return runSieve([script], { message: sieveMessage(raw), envelope: { from: envelopeSender(raw, from), to: address }, userAddresses: [address], now: new Date() }, host);
  }

  private async save(accountId: number, script: string): Promise<RuleSetDto> {
    const active = await this.scripts.active(accountId);
    const name = active?.name ?? WEBMAIL_SCRIPT_NAME;
    await this.scripts.put(accountId, name, script);
    if (!active) await this.scripts.activate(accountId, name);
    return this.get(accountId);
  }
}

/**
 * What an outcome means for a message already in `folder`: a keep (or fileinto the folder) leaves
 * it there; else the first fileinto moves it and the others copy it. Flags are only added.
 */
export function planFor(outcome: SieveOutcome, folder: string, message: Pick<MessageInFolder, 'seen' | 'answered' | 'flagged' | 'deleted' | 'draft' | 'keywords'>): Plan {
  const plan: Plan = { moveTo: null, copies: [], addFlags: [], skipped: [], create: false };
  const has = flagsOf(message as MessageInFolder);
  const placements: { mailbox: string; flags: string[]; create: boolean }[] = [];
  for (const a of outcome.actions) {
    if (a.type === 'keep') placements.push({ mailbox: folder, flags: a.flags.map(imapFlag), create: false });
    else if (a.type === 'fileinto') placements.push({ mailbox: a.mailbox, flags: a.flags.map(imapFlag), create: a.create });
    else if (a.type === 'redirect') plan.skipped.push(`Forward to ${a.address} (not done for existing mail)`);
    else if (a.type === 'reject') plan.skipped.push('Reject (not done for existing mail)');
    else if (a.type === 'vacation') plan.skipped.push('Send the vacation reply (not done for existing mail)');
    else plan.skipped.push('Discard (not done for existing mail)');
  }
  const here = placements.filter((p) => p.mailbox === folder);
  const elsewhere = placements.filter((p) => p.mailbox !== folder);
  let own: string[];
  if (here.length > 0 || placements.length === 0) {
    own = here.flatMap((p) => p.flags);
    plan.copies = elsewhere;
  } else {
    const [first, ...rest] = elsewhere;
    plan.moveTo = first!.mailbox;
    plan.create = first!.create;
    own = first!.flags;
    plan.copies = rest;
  }
  plan.addFlags = [...new Set(own)].filter((f) => !has.has(f));
  return plan;
}
