import { createHash } from 'node:crypto';
import { decodePartBody, partText } from '@mailstead/mime';
import type { BodyPart } from '@mailstead/mime';
import { parseAddressList, splitAddress, subaddress } from './address';
import type { ParsedAddress } from './address';
import type { ComparatorName, RelationalOp } from './commands/common';
import { isValidAddress, isValidHeaderName } from './commands/common';
import { compileSieve } from './compile';
import type { CompiledSieve } from './compile';
import { datePart, parseMailDate, zoneMinutes } from './date-parts';
import type { ZonedDate } from './date-parts';
import type { SieveLimits } from './limits';
import { asciiLower, matchOne, relationHolds, compareValues } from './match';
import type { Matcher, MatchType, WorkMeter } from './match';
import type { SieveHeaderField, SieveMessage } from './message';
import { decodedValue } from './message';
import type { SieveAction, SieveDuplicateRecord, SieveHost, SieveIncludeLocation, SieveInput, SieveRuntimeError } from './outcome';
import type { CompiledCommand, CompiledNode, SieveString } from './spec';
import { has, list, num, str } from './spec';
import { defaultHandle, vacationRecipient } from './vacation';
import { applyModifiers, expandVariables } from './variables';

export class RuntimeFailure extends Error {
  constructor(
    message: string,
    readonly at: { line: number; column: number },
    readonly script: string,
  ) {
    super(message);
  }
}
class StopSignal {}
class ReturnSignal {}

const INBOX = 'INBOX';
const PROTECTED_HEADERS = ['received', 'auto-submitted'];
const DEFAULT_DUPLICATE_SECONDS = 7 * 24 * 3600;

interface StoreAction {
  kind: 'store';
  mailbox: string;
  flags: string[];
  create: boolean;
  copy: boolean;
  keep: boolean;
}
type Pending =
  | StoreAction
  | { kind: 'redirect'; address: string; copy: boolean }
  | { kind: 'reject'; reason: string; extended: boolean }
  | { kind: 'vacation'; action: Extract<SieveAction, { type: 'vacation' }> };

/** State of one message's run over the whole script sequence. */
export class RunState {
  pending: Pending[] = [];
  implicitKeep = true;
  discarded = false;
  headers: SieveHeaderField[];
  headersEdited = false;
  headerAdds = 0;
  duplicateRecords: SieveDuplicateRecord[] = [];
  log: string[] = [];
  steps = 0;
  redirects = 0;
  actionCount = 0;
  vacationSeen = false;
  /** the imap4flags internal variable: the message's, so it carries over includes and into the next script (as Pigeonhole) */
  flags = '';

  constructor(
    readonly input: SieveInput,
    readonly host: SieveHost,
    readonly limits: SieveLimits,
  ) {
    this.headers = input.message.headers.map((h) => ({ ...h }));
  }
}

/** One script's frame: its variables and the include stack it runs in. */
interface Frame {
  name: string;
  script: CompiledSieve;
  locals: Map<string, string>;
  globalNames: Set<string>;
  matches: string[];
  stack: string[];
}

export class Interpreter implements WorkMeter {
  private globals = new Map<string, string>();
  private included = new Set<string>();
  private compiledIncludes = new Map<string, CompiledSieve>();
  private frame!: Frame;
  private current: { line: number; column: number } = { line: 1, column: 1 };

  constructor(private readonly state: RunState) {}

  charge(units: number): void {
    this.state.steps += units;
    if (this.state.steps > this.state.limits.maxSteps) this.fail(`the script ran past the limit of ${this.state.limits.maxSteps} steps`);
  }

  private fail(message: string): never {
    throw new RuntimeFailure(message, this.current, this.frame.name);
  }

  /** Runs one top-level script; false when it ended with an error (thrown as RuntimeFailure). */
  async runScript(script: CompiledSieve, name: string): Promise<void> {
    this.globals = new Map();
    this.included = new Set();
    this.frame = { name, script, locals: new Map(), globalNames: new Set(), matches: [], stack: [`top:${name}`] };
    try {
      await this.block(script.commands);
    } catch (e) {
      if (e instanceof StopSignal || e instanceof ReturnSignal) return;
      throw e;
    }
  }

  private async block(commands: readonly CompiledCommand[]): Promise<void> {
    let lastIf: boolean | null = null; // whether a branch of the current if chain ran
    for (const cmd of commands) {
      this.current = cmd;
      this.charge(1);
      if (cmd.name === 'if') {
        lastIf = await this.test(cmd.tests[0]!);
        if (lastIf) await this.block(cmd.block!);
        continue;
      }
      if (cmd.name === 'elsif') {
        if (lastIf === false) {
          lastIf = await this.test(cmd.tests[0]!);
          if (lastIf) await this.block(cmd.block!);
        }
        continue;
      }
      if (cmd.name === 'else') {
        if (lastIf === false) await this.block(cmd.block!);
        lastIf = null;
        continue;
      }
      lastIf = null;
      await this.command(cmd);
    }
  }

  // ---- strings and variables -------------------------------------------------------------

  private text(s: SieveString): string {
    if (!s.dynamic) return s.text;
    const frame = this.frame;
    const value = expandVariables(s.text, {
      get: (name) => this.getVariable(name),
      match: (i) => frame.matches[i],
    });
    return value;
  }

  private texts(list: SieveString[] | undefined): string[] {
    return (list ?? []).map((s) => this.text(s));
  }

  private getVariable(name: string): string | undefined {
    const lower = asciiLower(name);
    if (lower.startsWith('global.')) return this.globals.get(lower.slice(7));
    if (this.frame.globalNames.has(lower)) return this.globals.get(lower);
    return this.frame.locals.get(lower);
  }

  private setVariable(name: string, value: string): void {
    const lower = asciiLower(name);
    const limited = Array.from(value).length > this.state.limits.maxVariableLength ? Array.from(value).slice(0, this.state.limits.maxVariableLength).join('') : value;
    let target = this.frame.locals;
    let key = lower;
    if (lower.startsWith('global.')) {
      target = this.globals;
      key = lower.slice(7);
    } else if (this.frame.globalNames.has(lower)) target = this.globals;
    if (!target.has(key) && target.size >= this.state.limits.maxVariables) this.fail(`more than ${this.state.limits.maxVariables} variables`);
    target.set(key, limited);
  }

  // ---- commands --------------------------------------------------------------------------

  private async command(cmd: CompiledCommand): Promise<void> {
    const s = this.state;
    switch (cmd.name) {
      case 'stop':
        throw new StopSignal();
      case 'return':
        throw new ReturnSignal();
      case 'require':
        return;
      case 'include':
        return this.include(cmd);
      case 'global':
        for (const n of list(cmd, 'names')!) this.frame.globalNames.add(asciiLower(n.text));
        return;
      case 'keep': {
        const flags = cmd.tags['flags'] !== undefined ? this.flagList(this.texts(list(cmd, 'flags'))) : this.internalFlags();
        this.store(INBOX, flags, { keep: true, create: false, copy: false });
        s.implicitKeep = false;
        return;
      }
      case 'discard':
        s.implicitKeep = false;
        s.discarded = true;
        return;
      case 'fileinto': {
        const mailbox = this.text(str(cmd, 'mailbox')!);
        if (mailbox === '') this.fail('fileinto: the mailbox name is empty');
        const flags = cmd.tags['flags'] !== undefined ? this.flagList(this.texts(list(cmd, 'flags'))) : this.internalFlags();
        const copy = has(cmd, 'copy');
        this.store(mailbox, flags, { keep: false, create: has(cmd, 'create'), copy });
        if (!copy) s.implicitKeep = false;
        return;
      }
      case 'redirect': {
        const raw = this.text(str(cmd, 'address')!);
        if (!isValidAddress(raw)) this.fail(`redirect: "${raw}" is not a valid address`);
        const address = addrSpec(raw);
        this.checkReject('redirect');
        const copy = has(cmd, 'copy');
        const existing = s.pending.find((p): p is Extract<Pending, { kind: 'redirect' }> => p.kind === 'redirect' && sameAddress(p.address, address));
        if (existing) {
          // RFC 5228 4.2: the same address twice is one redirect
          existing.copy = existing.copy && copy;
        } else {
          if (s.redirects >= s.limits.maxRedirects) this.fail(`more than ${s.limits.maxRedirects} redirects`);
          s.redirects++;
          this.countAction();
          s.pending.push({ kind: 'redirect', address, copy });
        }
        if (!copy) s.implicitKeep = false;
        return;
      }
      case 'reject':
      case 'ereject': {
        // RFC 5429 2.1: reject is incompatible with keep, fileinto, redirect (and a second reject)
        const other = s.pending[0];
        if (other !== undefined) this.fail(`${cmd.name} cannot be combined with ${describePending(other)}`);
        this.countAction();
        s.pending.push({ kind: 'reject', reason: this.text(str(cmd, 'reason')!), extended: cmd.name === 'ereject' });
        s.implicitKeep = false;
        return;
      }
      case 'vacation':
        return this.vacation(cmd);
      case 'set': {
        const value = applyModifiers(this.text(str(cmd, 'value')!), cmd.tags);
        this.setVariable(str(cmd, 'name')!.text, value);
        return;
      }
      case 'setflag':
      case 'addflag':
      case 'removeflag':
        return this.flagCommand(cmd);
      case 'addheader':
        return this.addHeader(cmd);
      case 'deleteheader':
        return this.deleteHeader(cmd);
      default:
        this.fail(`the ${cmd.name} command is not implemented`);
    }
  }

  private countAction(): void {
    const s = this.state;
    s.actionCount++;
    if (s.actionCount > s.limits.maxActions) this.fail(`more than ${s.limits.maxActions} actions`);
  }

  private checkReject(what: string): void {
    const reject = this.state.pending.find((p) => p.kind === 'reject');
    if (reject !== undefined) this.fail(`${what} cannot be combined with ${describePending(reject)}`);
  }

  private store(mailbox: string, flags: string[], opts: { keep: boolean; create: boolean; copy: boolean }): void {
    const s = this.state;
    this.checkReject(opts.keep ? 'keep' : 'fileinto');
    const isInbox = mailbox.toUpperCase() === INBOX;
    const target = isInbox ? INBOX : mailbox;
    const existing = s.pending.find((p): p is StoreAction => p.kind === 'store' && p.mailbox === target);
    if (existing) {
      // RFC 5228 4.1: filing into the same mailbox twice is one action; its flags are the last ones given
      existing.flags = flags;
      existing.create = existing.create || opts.create;
      existing.copy = existing.copy && opts.copy;
      existing.keep = existing.keep || opts.keep;
      return;
    }
    this.countAction();
    s.pending.push({ kind: 'store', mailbox: target, flags, create: opts.create, copy: opts.copy, keep: opts.keep });
  }

  // ---- imap4flags (RFC 5232) -------------------------------------------------------------

  /** The internal flags variable at the end of the last script: the implicit keep's flags (RFC 5232 3). */
  finalFlags(): string[] {
    return this.internalFlags();
  }

  private internalFlags(): string[] {
    return this.flagList([this.state.flags]);
  }

  /** Flags are space-separated and case-insensitive (RFC 5232 3). */
  private flagList(values: string[]): string[] {
    const out: string[] = [];
    for (const v of values)
      for (const f of v.split(/\s+/))
        if (f !== '' && !out.some((o) => o.toLowerCase() === f.toLowerCase())) out.push(f);
    return out;
  }

  private flagCommand(cmd: CompiledCommand): void {
    const variable = str(cmd, 'variable');
    const read = () => (variable === undefined ? this.state.flags : (this.getVariable(variable.text) ?? ''));
    const write = (flags: string[]) => {
      if (variable === undefined) this.state.flags = flags.join(' ');
      else this.setVariable(variable.text, flags.join(' '));
    };
    const given = this.flagList(this.texts(list(cmd, 'flags')));
    const current = this.flagList([read()]);
    if (cmd.name === 'setflag') write(given);
    else if (cmd.name === 'addflag') write(this.flagList([...current, ...given]));
    else write(current.filter((f) => !given.some((g) => g.toLowerCase() === f.toLowerCase())));
  }

  // ---- editheader (RFC 5293) -------------------------------------------------------------

  private addHeader(cmd: CompiledCommand): void {
    const s = this.state;
    const name = this.text(str(cmd, 'field')!);
    if (!isValidHeaderName(name)) this.fail(`addheader: invalid header name "${name}"`);
    if (PROTECTED_HEADERS.includes(name.toLowerCase())) {
      s.log.push(`addheader: the ${name} header is protected; not added`);
      return;
    }
    if (s.headerAdds >= s.limits.maxHeaderEdits) this.fail(`more than ${s.limits.maxHeaderEdits} added header fields`);
    s.headerAdds++;
    const value = this.text(str(cmd, 'value')!).replace(/\r?\n/g, ' ');
    const field: SieveHeaderField = { name, value: encodeHeaderValue(value) };
    if (has(cmd, 'last')) s.headers.push(field);
    else s.headers.unshift(field);
    s.headersEdited = true;
  }

  private deleteHeader(cmd: CompiledCommand): void {
    const s = this.state;
    const name = this.text(str(cmd, 'field')!);
    if (PROTECTED_HEADERS.includes(name.toLowerCase())) {
      s.log.push(`deleteheader: the ${name} header is protected; not deleted`);
      return;
    }
    const key = asciiLower(name);
    const positions = s.headers.map((h, i) => (asciiLower(h.name) === key ? i : -1)).filter((i) => i >= 0);
    let candidates = positions;
    const index = num(cmd, 'index');
    if (index !== undefined) {
      const k = has(cmd, 'last') ? positions.length - index : index - 1;
      candidates = k >= 0 && k < positions.length ? [positions[k]!] : [];
    }
    const patterns = list(cmd, 'patterns');
    const matcher = this.matcher(cmd);
    const remove = new Set<number>();
    for (const i of candidates) {
      if (patterns === undefined) {
        remove.add(i);
        continue;
      }
      const value = decodedValue(s.headers[i]!);
      if (this.matchValues(matcher, [value], this.texts(patterns), false)) remove.add(i);
    }
    if (remove.size === 0) return;
    s.headers = s.headers.filter((_h, i) => !remove.has(i));
    s.headersEdited = true;
  }

  // ---- include (RFC 6609) ----------------------------------------------------------------

  private async include(cmd: CompiledCommand): Promise<void> {
    const s = this.state;
    const name = str(cmd, 'script')!.text;
    const location: SieveIncludeLocation = has(cmd, 'global') ? 'global' : 'personal';
    const key = `${location}:${name}`;
    if (has(cmd, 'once') && this.included.has(key)) return;
    if (this.frame.stack.includes(key)) this.fail(`include loop: ${[...this.frame.stack, key].join(' -> ')}`);
    if (this.frame.stack.length > s.limits.maxIncludeDepth) this.fail(`includes nested deeper than ${s.limits.maxIncludeDepth}`);
    let script = this.compiledIncludes.get(key);
    if (script === undefined) {
      if (this.compiledIncludes.size >= s.limits.maxIncludedScripts) this.fail(`more than ${s.limits.maxIncludedScripts} included scripts`);
      const source = await s.host.include(name, location);
      if (source === null) {
        if (has(cmd, 'optional')) return;
        this.fail(`include: there is no ${location} script "${name}"`);
      }
      const compiled = compileSieve(source, { limits: s.limits, extensions: s.input.extensions });
      if (!compiled.ok) {
        const e = compiled.errors[0]!;
        this.fail(`include: the ${location} script "${name}" does not compile: line ${e.line}, column ${e.column}: ${e.message}`);
      }
      script = compiled.script;
      this.compiledIncludes.set(key, script);
    }
    this.included.add(key);
    const outer = this.frame;
    const outerPos = this.current;
    this.frame = { name: key, script, locals: new Map(), globalNames: new Set(), matches: [], stack: [...outer.stack, key] };
    try {
      await this.block(script.commands);
    } catch (e) {
      if (!(e instanceof ReturnSignal)) throw e;
    } finally {
      this.frame = outer;
      this.current = outerPos;
    }
  }

  // ---- vacation (RFC 5230, 6131) ---------------------------------------------------------

  private vacation(cmd: CompiledCommand): void {
    const s = this.state;
    if (s.vacationSeen) this.fail('vacation may be used only once');
    s.vacationSeen = true;
    const reject = s.pending.find((p) => p.kind === 'reject');
    if (reject) this.fail(`vacation cannot be combined with ${describePending(reject)}`);
    const reason = this.text(str(cmd, 'reason')!);
    const subjectArg = str(cmd, 'subject');
    const fromArg = str(cmd, 'from');
    const subject = subjectArg === undefined ? null : this.text(subjectArg);
    const from = fromArg === undefined ? null : this.text(fromArg);
    if (from !== null && !isValidAddress(from)) this.fail(`vacation: :from "${from}" is not a valid address`);
    const mime = has(cmd, 'mime');
    const handleArg = str(cmd, 'handle');
    const handle = handleArg === undefined ? defaultHandle({ subject, from, mime, reason }) : this.text(handleArg);
    const addresses = this.texts(list(cmd, 'addresses'));
    const days = num(cmd, 'days');
    const secondsArg = num(cmd, 'seconds');
    let seconds = days !== undefined ? Math.max(days, 1) * 86400 : secondsArg !== undefined ? secondsArg : s.limits.vacationDefaultSeconds;
    seconds = Math.min(Math.max(seconds, s.limits.vacationMinSeconds), s.limits.vacationMaxSeconds);
    const envelopeTo = addrSpec(s.input.envelope.to);
    const mine = [envelopeTo, ...addresses.map(addrSpec), ...(s.input.userAddresses ?? []).map(addrSpec)];
    const sender = addrSpec(s.input.envelope.from);
    const decision = vacationRecipient(s.input.message.headers, sender, mine);
    if ('skip' in decision) {
      s.log.push(decision.skip);
      return;
    }
    const original = s.input.message.headers.find((h) => asciiLower(h.name) === 'subject');
    const originalSubject = original === undefined ? '' : decodedValue(original);
    this.countAction();
    s.pending.push({
      kind: 'vacation',
      action: {
        type: 'vacation',
        handle,
        seconds,
        ...(days !== undefined ? { days } : {}),
        subject: subject ?? (originalSubject === '' ? 'Automated reply' : `Auto: ${originalSubject}`),
        from,
        reason,
        mime,
        addresses,
        recipient: decision.recipient,
        to: sender,
      },
    });
  }

  // ---- tests -----------------------------------------------------------------------------

  private async test(t: CompiledNode): Promise<boolean> {
    this.charge(1);
    this.current = t;
    switch (t.name) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'not':
        return !(await this.test(t.tests[0]!));
      case 'allof':
        for (const sub of t.tests) if (!(await this.test(sub))) return false;
        return true;
      case 'anyof':
        for (const sub of t.tests) if (await this.test(sub)) return true;
        return false;
      case 'exists': {
        const names = this.texts(list(t, 'headers'));
        return names.every((n) => this.state.headers.some((h) => asciiLower(h.name) === asciiLower(n)));
      }
      case 'size': {
        const limit = num(t, 'limit')!;
        const size = this.state.input.message.size;
        return has(t, 'over') ? size > limit : size < limit;
      }
      case 'header': {
        const values = this.selectFields(t, this.texts(list(t, 'headers'))).map((h) => decodedValue(h));
        return this.matchValues(this.matcher(t), values, this.texts(list(t, 'keys')), true);
      }
      case 'address': {
        const fields = this.selectFields(t, this.texts(list(t, 'headers')));
        const addresses = fields.flatMap((h) => parseAddressList(h.value));
        return this.matchAddresses(t, addresses);
      }
      case 'envelope': {
        const env = this.state.input.envelope;
        const addresses: ParsedAddress[] = [];
        for (const part of this.texts(list(t, 'parts'))) {
          const p = part.toLowerCase();
          const value = p === 'from' ? env.from : p === 'to' ? env.to : p === 'auth' ? (env.auth ?? null) : null;
          if (value === null) continue;
          const spec = addrSpec(value);
          // RFC 5228 5.4: the null reverse-path is the empty string
          addresses.push(spec === '' ? { all: '', localpart: null, domain: null, valid: false } : splitAddress(spec));
        }
        return this.matchAddresses(t, addresses);
      }
      case 'string': {
        const sources = this.texts(list(t, 'source'));
        const m = this.matcher(t);
        // RFC 5229 5: :count counts the non-empty strings
        const values = m.type === 'count' ? sources.filter((v) => v !== '') : sources;
        return this.matchValues(m, values, this.texts(list(t, 'keys')), true);
      }
      case 'hasflag': {
        const variables = list(t, 'variable');
        const raw = variables === undefined ? [this.state.flags] : variables.map((v) => this.getVariable(v.text) ?? '');
        return this.matchValues(this.matcher(t), this.flagList(raw), this.texts(list(t, 'flags')), true);
      }
      case 'body':
        return this.matchValues(this.matcher(t), this.bodyValues(t), this.texts(list(t, 'keys')), true);
      case 'date':
      case 'currentdate':
        return this.dateTest(t);
      case 'mailboxexists': {
        for (const name of this.texts(list(t, 'mailboxes'))) if (!(await this.state.host.mailboxExists(name))) return false;
        return true;
      }
      case 'duplicate':
        return this.duplicate(t);
      case 'spamtest': {
        const score = this.state.input.spamScore;
        let value = '0';
        if (score !== undefined) {
          const p = Math.min(100, Math.max(0, score));
          value = has(t, 'percent') ? String(Math.round(p)) : String(1 + Math.round((p * 9) / 100));
        }
        return this.matchValues(this.matcher(t), [value], [this.text(str(t, 'key')!)], true);
      }
      case 'virustest': {
        const score = this.state.input.virusScore;
        const value = score === undefined ? '0' : String(Math.min(5, Math.max(1, Math.round(score))));
        return this.matchValues(this.matcher(t), [value], [this.text(str(t, 'key')!)], true);
      }
      case 'environment': {
        const item = this.text(str(t, 'name')!).toLowerCase();
        const value = this.environment(item);
        if (value === undefined) return false;
        return this.matchValues(this.matcher(t), [value], this.texts(list(t, 'keys')), true);
      }
      default:
        this.fail(`the ${t.name} test is not implemented`);
    }
  }

  private environment(item: string): string | undefined {
    const given = this.state.input.environment ?? {};
    const defaults: Record<string, string> = { name: 'Mailstead', version: '1', location: 'MDA', phase: 'during' };
    return given[item] ?? defaults[item];
  }

  /** Header fields named, in message order, narrowed by :index/:last (RFC 5260 6). */
  private selectFields(t: CompiledNode, names: string[]): SieveHeaderField[] {
    const keys = new Set(names.map((n) => asciiLower(n)));
    const fields = this.state.headers.filter((h) => keys.has(asciiLower(h.name)));
    const index = num(t, 'index');
    if (index === undefined) return fields;
    const k = has(t, 'last') ? fields.length - index : index - 1;
    return k >= 0 && k < fields.length ? [fields[k]!] : [];
  }

  private matcher(t: CompiledNode): Matcher {
    const type: MatchType = has(t, 'contains') ? 'contains' : has(t, 'matches') ? 'matches' : has(t, 'value') ? 'value' : has(t, 'count') ? 'count' : 'is';
    const comparatorArg = str(t, 'comparator');
    const comparator = (comparatorArg === undefined ? 'i;ascii-casemap' : comparatorArg.text.toLowerCase()) as ComparatorName;
    const op = str(t, 'value') ?? str(t, 'count');
    return { type, comparator, relation: op === undefined ? null : (op.text.toLowerCase() as RelationalOp) };
  }

  /** Any value against any key; a successful :matches sets ${0}..${9} (RFC 5229 3.2). */
  private matchValues(m: Matcher, values: string[], keys: string[], setMatches: boolean): boolean {
    if (m.type === 'count') {
      const count = String(values.length);
      return keys.some((k) => relationHolds(m.relation!, compareValues(m.comparator, count, k)));
    }
    for (const value of values) {
      for (const key of keys) {
        this.charge(1);
        const r = matchOne(m, value, key, this);
        if (r.matched) {
          if (setMatches && r.captures !== undefined) this.frame.matches = r.captures.slice(0, 10);
          return true;
        }
      }
    }
    return false;
  }

  private matchAddresses(t: CompiledNode, addresses: ParsedAddress[]): boolean {
    const part = has(t, 'localpart') ? 'localpart' : has(t, 'domain') ? 'domain' : has(t, 'user') ? 'user' : has(t, 'detail') ? 'detail' : 'all';
    const sep = this.state.input.subaddressSeparator ?? '+';
    const m = this.matcher(t);
    const values: string[] = [];
    for (const a of addresses) {
      if (part === 'all') values.push(a.all);
      else if (!a.valid) continue;
      else if (part === 'localpart') values.push(a.localpart!);
      else if (part === 'domain') values.push(a.domain!);
      else {
        const sub = subaddress(a.localpart!, sep);
        if (part === 'user') values.push(sub.user);
        else if (sub.detail !== null) values.push(sub.detail);
      }
    }
    if (m.type === 'count') return this.matchValues(m, addresses.map((a) => a.all), this.texts(list(t, 'keys')), true);
    return this.matchValues(m, values, this.texts(list(t, 'keys')), true);
  }

  // ---- body (RFC 5173) -------------------------------------------------------------------

  private bodyValues(t: CompiledNode): string[] {
    const msg = this.state.input.message;
    const max = this.state.limits.maxBodyChars;
    if (has(t, 'raw')) return [msg.raw.subarray(msg.bodyStart).toString('utf8').slice(0, max)];
    const types = has(t, 'content') ? this.texts(list(t, 'content')).map((c) => c.toLowerCase()) : null;
    const out: string[] = [];
    for (const part of leaves(msg.parsed.body)) {
      const type = `${part.type}/${part.subtype}`.toLowerCase();
      if (types === null) {
        // :text: the text parts, HTML as text
        if (part.type.toLowerCase() !== 'text') continue;
        // partText decodes transfer encoding and charset, and reads HTML as text
        out.push(partText(msg.raw, part).slice(0, max));
        continue;
      }
      const wanted = types.some((c) => c === '' || c === type || (!c.includes('/') && c === part.type.toLowerCase()));
      if (!wanted) continue;
      // RFC 5173 5.2: :content parts are transfer-decoded, text ones charset-decoded too
      out.push(decodedContent(msg, part).slice(0, max));
    }
    return out;
  }

  // ---- date (RFC 5260) -------------------------------------------------------------------

  private dateTest(t: CompiledNode): boolean {
    let date: ZonedDate | null;
    if (t.name === 'currentdate') {
      date = { utc: this.state.input.now ?? new Date(), offset: 0 };
    } else {
      const fields = this.selectFields(t, [this.text(str(t, 'header')!)]);
      const field = fields[0];
      if (field === undefined) return false;
      let value = decodedValue(field);
      // RFC 5260 4.1: in Received the date follows the last ";"
      if (asciiLower(field.name) === 'received') value = value.slice(value.lastIndexOf(';') + 1);
      date = parseMailDate(value);
      if (date === null) return false;
    }
    const zone = str(t, 'zone');
    if (zone !== undefined) {
      const z = this.text(zone);
      if (/^[+-]\d{4}$/.test(z)) date = { utc: date.utc, offset: zoneMinutes(z) };
    } else if (!has(t, 'originalzone')) {
      date = { utc: date.utc, offset: 0 };
    }
    const value = datePart(date, this.text(str(t, 'part')!));
    if (value === null) return false;
    return this.matchValues(this.matcher(t), [value], this.texts(list(t, 'keys')), true);
  }

  // ---- duplicate (RFC 7352) --------------------------------------------------------------

  private async duplicate(t: CompiledNode): Promise<boolean> {
    const s = this.state;
    let value: string | null;
    const uniqueid = str(t, 'uniqueid');
    if (uniqueid !== undefined) value = this.text(uniqueid);
    else {
      const name = str(t, 'header') === undefined ? 'message-id' : asciiLower(this.text(str(t, 'header')!));
      const field = s.headers.find((h) => asciiLower(h.name) === name);
      value = field === undefined ? null : name === 'message-id' ? field.value.trim() : decodedValue(field);
    }
    // RFC 7352 3.1: no value, no duplicate
    if (value === null || value === '') return false;
    const handleArg = str(t, 'handle');
    const handle = handleArg === undefined ? '' : this.text(handleArg);
    const key = createHash('sha256').update(`${handle}\0${value}`).digest('hex');
    const seen = await s.host.duplicateSeen(key);
    const seconds = num(t, 'seconds') ?? DEFAULT_DUPLICATE_SECONDS;
    const already = s.duplicateRecords.find((r) => r.key === key);
    // RFC 7352 3: a second test of the same key in one run sees the first one
    if (already !== undefined) return true;
    if (!seen || has(t, 'last')) s.duplicateRecords.push({ key, seconds });
    return seen;
  }
}

function leaves(part: BodyPart): BodyPart[] {
  if (part.children.length === 0) return [part];
  return part.children.flatMap(leaves);
}

function decodedContent(msg: SieveMessage, part: BodyPart): string {
  const bytes = decodePartBody(msg.raw, part);
  if (part.type.toLowerCase() !== 'text') return bytes.toString('latin1');
  try {
    return new TextDecoder(part.params['charset'] ?? 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** Local parts are case-sensitive, domains are not (RFC 5321 2.4). */
function sameAddress(a: string, b: string): boolean {
  const x = splitAddress(a);
  const y = splitAddress(b);
  return x.localpart === y.localpart && (x.domain ?? '').toLowerCase() === (y.domain ?? '').toLowerCase();
}

/** The addr-spec inside "Name <a@b>" or "<a@b>". */
export function addrSpec(value: string): string {
  const m = /<([^<>]*)>\s*$/.exec(value);
  return (m ? m[1]! : value).trim();
}

function describePending(p: Pending): string {
  switch (p.kind) {
    case 'store':
      return p.keep ? 'keep' : `fileinto "${p.mailbox}"`;
    case 'redirect':
      return `redirect "${p.address}"`;
    case 'reject':
      return p.extended ? 'ereject' : 'reject';
    case 'vacation':
      return 'vacation';
  }
}

/** RFC 2047 B-encoding for an added header value that is not ASCII. */
function encodeHeaderValue(value: string): string {
  if (/^[\x20-\x7e\t]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

export type { Pending, SieveRuntimeError, StoreAction };
