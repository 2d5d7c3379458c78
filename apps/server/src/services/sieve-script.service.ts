import type { SieveAdminScriptRow, SieveScriptPlace, SieveScriptRecord, SieveScriptSummary, Store } from '@mailstead/store';
import { audit, inScope, requireFullAdmin, type AdminScope } from './admin-scope';
import { checkSieveSource, type SieveCheckResult, type SieveScriptProblem } from './sieve-compiler';
import { conflict, ServiceError } from './service-error';

/** The script quotas (MAILSTEAD_SIEVE_MAX_SCRIPT_SIZE, MAILSTEAD_SIEVE_MAX_SCRIPTS). */
export interface SieveScriptLimits {
  /** octets per script */
  maxScriptSize: number;
  /** personal scripts per account; 0 = no limit */
  maxScripts: number;
}

/**
 * What went wrong, finer than the ServiceError code: ManageSieve answers each with its own
 * response code (RFC 5804 1.3: NONEXISTENT, ACTIVE, ALREADYEXISTS, QUOTA/MAXSIZE, QUOTA/MAXSCRIPTS).
 */
export type SieveScriptFailure = 'nonexistent' | 'active' | 'exists' | 'too-large' | 'too-many' | 'bad-name' | 'bad-script';

export class SieveScriptError extends ServiceError {
  constructor(
    code: ServiceError['code'],
    message: string,
    readonly failure: SieveScriptFailure,
    fields?: Record<string, string[]>,
    /** The compile errors, for 'bad-script'. */
    readonly problems: SieveScriptProblem[] = [],
  ) {
    super(code, message, fields);
    this.name = 'SieveScriptError';
  }
}

/** Where an admin script lives: a domain's (by name) or the server's (`null`). */
export type SieveAdminScriptOwner = { domain: string | null };
export type SieveAdminPlace = Exclude<SieveScriptPlace, 'personal'>;
export const SIEVE_ADMIN_PLACES: readonly SieveAdminPlace[] = ['before', 'after', 'include'];

/** Longest script name, in characters (Pigeonhole's limit; RFC 5804 1.6 asks for at least 128). */
export const MAX_SCRIPT_NAME_LENGTH = 256;

// RFC 5804 1.6: script names must not contain control characters or the Unicode line and paragraph separators.
const FORBIDDEN_NAME_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Why `name` cannot name a script, or undefined when it can. */
export function scriptNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'A script name cannot be empty';
  if ([...name].length > MAX_SCRIPT_NAME_LENGTH) return `A script name has at most ${MAX_SCRIPT_NAME_LENGTH} characters`;
  if (FORBIDDEN_NAME_CHARACTERS.test(name)) return 'A script name cannot contain control characters or line breaks';
  return undefined;
}

const describeProblem = (p: SieveScriptProblem) => `line ${p.line}, column ${p.column}: ${p.message}`;

/**
 * Sieve scripts: an account's own (ManageSieve, the webmail's rules, the CLI) and the admin
 * scripts of a domain or of the whole server, run before or after the user's or kept for
 * `include :global`. Every script is compiled before it is stored, and the quotas hold for
 * each way in.
 */
export class SieveScriptService {
  constructor(
    private readonly store: Store,
    private readonly limits: SieveScriptLimits,
    private readonly compile: (source: string) => SieveCheckResult = checkSieveSource,
  ) {}

  list(accountId: number): Promise<SieveScriptSummary[]> {
    return this.store.sieve.list(accountId);
  }

  async get(accountId: number, name: string): Promise<SieveScriptRecord> {
    const script = await this.store.sieve.get(accountId, name);
    if (!script) throw nonexistent(name);
    return script;
  }

  /** The active script, or null when none is active. */
  active(accountId: number): Promise<SieveScriptRecord | null> {
    return this.store.sieve.active(accountId);
  }

  /** RFC 5804 2.3 HAVESPACE: would a script of `size` octets fit under `name`? Throws the reason it would not. */
  async haveSpace(accountId: number, name: string, size: number): Promise<void> {
    this.checkName(name);
    this.checkSize(size);
    await this.checkCount(accountId, name);
  }

  /** Compiles without storing (RFC 5804 2.12 CHECKSCRIPT); throws the compile errors. */
  check(content: string): void {
    this.checkContent(content);
    this.checkSize(Buffer.byteLength(content, 'utf8'));
    this.checkCompiles(content);
  }

  /** Creates or replaces a script; a replaced script keeps its active state. */
  async put(accountId: number, name: string, content: string): Promise<SieveScriptRecord> {
    this.checkName(name);
    this.check(content);
    await this.checkCount(accountId, name);
    return this.store.sieve.put(accountId, name, content);
  }

  /** Makes `name` the account's only active script (RFC 5804 2.8). */
  async activate(accountId: number, name: string): Promise<void> {
    if (!(await this.store.sieve.setActive(accountId, name))) throw nonexistent(name);
  }

  /** No script runs for the account any more. */
  async deactivate(accountId: number): Promise<void> {
    await this.store.sieve.setActive(accountId, null);
  }

  /** RFC 5804 2.10: the active script is not deleted. */
  async remove(accountId: number, name: string): Promise<void> {
    const result = await this.store.sieve.remove(accountId, name);
    if (result === 'missing') throw nonexistent(name);
    if (result === 'active') throw new SieveScriptError('conflict', `"${name}" is the active script; deactivate it first`, 'active');
  }

  /** RFC 5804 2.11.1: the new name must be free; an active script stays active. */
  async rename(accountId: number, from: string, to: string): Promise<void> {
    this.checkName(to, 'newName');
    const result = await this.store.sieve.rename(accountId, from, to);
    if (result === 'missing') throw nonexistent(from);
    if (result === 'exists') throw new SieveScriptError('conflict', `A script named "${to}" already exists`, 'exists', { newName: ['A script by this name already exists'] });
  }

  // --- admin scripts (Pigeonhole's sieve_before / sieve_after, and sieve_global for include) ---

  async listAdmin(scope: AdminScope, owner: SieveAdminScriptOwner): Promise<SieveScriptRecord[]> {
    return this.store.sieve.listAdmin({ domainId: await this.ownerId(scope, owner) });
  }

  async getAdmin(scope: AdminScope, owner: SieveAdminScriptOwner, name: string): Promise<SieveScriptRecord> {
    const script = await this.store.sieve.getAdmin({ domainId: await this.ownerId(scope, owner) }, name);
    if (!script) throw nonexistent(name);
    return script;
  }

  /** Creates or replaces an admin script (one name per owner, whatever its place). */
  async putAdmin(scope: AdminScope, owner: SieveAdminScriptOwner, place: SieveAdminPlace, name: string, content: string): Promise<SieveScriptRecord> {
    const domainId = await this.ownerId(scope, owner);
    if (!SIEVE_ADMIN_PLACES.includes(place)) throw new ServiceError('invalid', `A script runs before, after, or only by include; not "${place}"`, { place: ['Choose before, after or include'] });
    this.checkName(name);
    this.check(content);
    const script = await this.store.sieve.putAdmin({ domainId }, place, name, content);
    await audit(this.store, scope, 'sieve.put', scriptTarget(owner, name), { place, version: script.version });
    return script;
  }

  async removeAdmin(scope: AdminScope, owner: SieveAdminScriptOwner, name: string): Promise<void> {
    const domainId = await this.ownerId(scope, owner);
    if (!(await this.store.sieve.removeAdmin({ domainId }, name))) throw nonexistent(name);
    await audit(this.store, scope, 'sieve.delete', scriptTarget(owner, name));
  }

  // --- the console's view: admin scripts by id, every one the scope reaches ---

  /** The server-wide scripts (server administrators only) and those of the domains in the scope. */
  adminScripts(scope: AdminScope): Promise<SieveAdminScriptRow[]> {
    return this.store.sieve.listAllAdmin({ domainIds: scope.domainIds, global: scope.isAdmin });
  }

  /** An admin script by id; not found when it is outside the scope (a domain admin never learns of global ones). */
  async adminScript(scope: AdminScope, id: number): Promise<SieveAdminScriptRow> {
    const script = await this.store.sieve.adminById(id);
    const visible = script && (script.domainId === null ? scope.isAdmin : inScope(scope, script.domainId));
    if (!visible) throw new ServiceError('not_found', 'script not found');
    return script;
  }

  /** A new admin script; a name the owner already uses is a conflict (PUT changes an existing one). */
  async createAdmin(scope: AdminScope, input: { domain: string | null; place: SieveAdminPlace; name: string; content: string }): Promise<SieveAdminScriptRow> {
    const owner = { domain: input.domain };
    const domainId = await this.ownerId(scope, owner);
    if (await this.store.sieve.getAdmin({ domainId }, input.name)) throw conflict(`A ${input.domain === null ? 'global' : input.domain} script named "${input.name}" already exists`);
    const script = await this.putAdmin(scope, owner, input.place, input.name, input.content);
    return (await this.store.sieve.adminById(script.id))!;
  }

  async updateAdmin(scope: AdminScope, id: number, input: { place?: SieveAdminPlace; content?: string }): Promise<SieveAdminScriptRow> {
    const script = await this.adminScript(scope, id);
    await this.putAdmin(scope, { domain: script.domainName }, input.place ?? (script.place as SieveAdminPlace), script.name, input.content ?? script.content);
    return (await this.store.sieve.adminById(id))!;
  }

  /** Deletes it; answers it as it was. */
  async removeAdminById(scope: AdminScope, id: number): Promise<SieveAdminScriptRow> {
    const script = await this.adminScript(scope, id);
    await this.removeAdmin(scope, { domain: script.domainName }, script.name);
    return script;
  }

  /** The owner's domain id (null: global, for server administrators only); not found outside the scope. */
  private async ownerId(scope: AdminScope, owner: SieveAdminScriptOwner): Promise<number | null> {
    if (owner.domain === null) {
      requireFullAdmin(scope);
      return null;
    }
    const domain = await this.store.domains.findByName(owner.domain.trim().toLowerCase());
    if (!domain || !inScope(scope, domain.id)) throw new ServiceError('not_found', `domain ${owner.domain.trim().toLowerCase()} not found`);
    return domain.id;
  }

  private checkName(name: string, field = 'name'): void {
    const problem = scriptNameProblem(name);
    if (problem) throw new SieveScriptError('invalid', problem, 'bad-name', { [field]: [problem] });
  }

  private checkContent(content: string): void {
    // Postgres text cannot hold NUL, and no Sieve script needs one.
    if (content.includes('\u0000')) throw new SieveScriptError('invalid', 'A Sieve script cannot contain NUL characters', 'bad-script', { content: ['Contains a NUL character'] });
  }

  private checkSize(size: number): void {
    if (size > this.limits.maxScriptSize) {
      const message = `The script is larger than the ${this.limits.maxScriptSize} bytes allowed`;
      throw new SieveScriptError('invalid', message, 'too-large', { content: [message] });
    }
  }

  /** A new name must not take the account past its number of scripts; replacing one always fits. */
  private async checkCount(accountId: number, name: string): Promise<void> {
    if (this.limits.maxScripts === 0) return;
    const scripts = await this.store.sieve.list(accountId);
    if (scripts.length >= this.limits.maxScripts && !scripts.some((s) => s.name === name)) {
      throw new SieveScriptError('invalid', `At most ${this.limits.maxScripts} scripts are allowed; delete one first`, 'too-many', { name: ['Too many scripts'] });
    }
  }

  private checkCompiles(content: string): void {
    const result = this.compile(content);
    if (result.ok) return;
    const lines = result.errors.map(describeProblem);
    throw new SieveScriptError('invalid', `The script has errors: ${lines.join('; ')}`, 'bad-script', { content: lines }, result.errors);
  }
}

function nonexistent(name: string): SieveScriptError {
  return new SieveScriptError('not_found', `There is no script named "${name}"`, 'nonexistent');
}

const scriptTarget = (owner: SieveAdminScriptOwner, name: string) => `${owner.domain === null ? 'global' : owner.domain.trim().toLowerCase()}:${name}`;
