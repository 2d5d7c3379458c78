import { hashPassword } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import { splitAddress, type AccountRole, type AdminPage, type Store } from '@mailstead/store';
import { audit, inScope, requireDomain, type AdminScope } from './admin-scope';
import { forbidden, invalid, notFound } from './service-error';

/** Ends an account's web sessions (the API's SessionService; the CLI's over the stack's Redis). */
export interface SessionEnder {
  destroyOthers(accountId: number): Promise<void>;
}

/** An account by id (API) or by address (CLI). */
export type UserRef = number | string;

export interface NewUser {
  address: string;
  password: string;
  role: AccountRole;
  displayName?: string | null;
  quotaBytes?: number | bigint;
  /** A domain admin's domains besides the one of its address (each one the caller administers). */
  domains?: string[];
}

export interface UserChanges {
  displayName?: string | null;
  role?: AccountRole;
  enabled?: boolean;
  quotaBytes?: number | bigint;
  password?: string;
}

type UserRow = NonNullable<Awaited<ReturnType<Store['admin']['user']>>>;

/**
 * Accounts as administrators manage them, for the admin API and the CLI: who may create,
 * change and delete whom (a domain admin only in their domains, never an administrator and
 * never the admin role), what a delete removes, and when sessions end.
 */
export class UserService {
  constructor(
    private readonly store: Store,
    private readonly config: MailsteadConfig,
    /** null when no session store is reachable (the CLI without Redis): nothing to end then. */
    private readonly sessions: SessionEnder | null,
  ) {}

  list(scope: AdminScope, page: Omit<AdminPage, 'domainIds'>) {
    return this.store.admin.users({ ...page, domainIds: scope.domainIds });
  }

  async get(scope: AdminScope, ref: UserRef): Promise<UserRow> {
    const id = typeof ref === 'number' ? ref : (await this.store.accounts.findByAddress(ref))?.id;
    const user = id === undefined ? null : await this.store.admin.user(id);
    if (!user || !inScope(scope, user.domainId)) throw notFound(typeof ref === 'number' ? 'user' : `account ${ref.trim().toLowerCase()}`);
    return user;
  }

  /** A domain admin is made the administrator of their address's domain (and of `domains`). */
  async create(scope: AdminScope, input: NewUser): Promise<UserRow> {
    requireDomain(scope, input.address, 'address');
    checkRole(scope, input.role);
    if (input.domains?.length && input.role !== 'domain_admin') throw invalid('only a domain admin administers domains', { domains: ['only with role domain_admin'] });
    const more = await this.domainsByName(scope, input.domains ?? []);
    const account = await this.store.accounts.create({
      address: input.address,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      displayName: input.displayName ?? null,
      quotaBytes: input.quotaBytes ?? this.config.defaultQuota,
    });
    if (input.role === 'domain_admin') {
      for (const domainId of new Set([account.domainId, ...more.map((d) => d.id)])) await this.store.admin.addDomainAdmin(account.id, domainId);
    }
    await audit(this.store, scope, 'user.create', account.address, { role: input.role, ...(more.length > 0 ? { domains: more.map((d) => d.name) } : {}) });
    return (await this.store.admin.user(account.id))!;
  }

  /** A new password or a disabled account ends the account's web sessions. */
  async update(scope: AdminScope, ref: UserRef, input: UserChanges): Promise<UserRow> {
    const user = await this.get(scope, ref);
    checkRole(scope, input.role);
    checkTarget(scope, user, 'change');
    await this.store.admin.updateUser(user.id, {
      displayName: input.displayName,
      role: input.role,
      enabled: input.enabled,
      quotaBytes: input.quotaBytes === undefined ? undefined : BigInt(input.quotaBytes),
      passwordHash: input.password === undefined ? undefined : await hashPassword(input.password),
    });
    if (input.role === 'domain_admin') await this.store.admin.addDomainAdmin(user.id, user.domainId);
    if (input.password !== undefined || input.enabled === false) await this.sessions?.destroyOthers(user.id);
    const { password: _secret, ...logged } = input;
    await audit(this.store, scope, 'user.update', user.address, {
      ...logged,
      ...(logged.quotaBytes !== undefined ? { quotaBytes: Number(logged.quotaBytes) } : {}),
      ...(input.password !== undefined ? { passwordReset: true } : {}),
    });
    return (await this.store.admin.user(user.id))!;
  }

  /**
   * Removes the second factor (lost phone): the user logs in with the password alone, or, when
   * the domain requires TOTP, is made to enrol again. Ends the user's web sessions.
   */
  async resetTwoFactor(scope: AdminScope, ref: UserRef): Promise<UserRow> {
    const user = await this.get(scope, ref);
    checkTarget(scope, user, 'change');
    await this.store.totp.disable(user.id);
    await this.sessions?.destroyOthers(user.id);
    await audit(this.store, scope, 'user.totp.reset', user.address, { wasEnabled: user.totpSecret !== null });
    return (await this.store.admin.user(user.id))!;
  }

  /**
   * Makes a domain admin the administrator of more domains (each one the caller administers);
   * answers the domains it administers now.
   */
  async grantDomains(scope: AdminScope, ref: UserRef, domains: string[]): Promise<string[]> {
    const user = await this.get(scope, ref);
    if (user.role !== 'domain_admin') throw invalid(`${user.address} is ${user.role === 'admin' ? 'an administrator (every domain)' : 'not a domain admin'}`, { role: ['must be domain_admin'] });
    const found = await this.domainsByName(scope, domains);
    for (const d of found) await this.store.admin.addDomainAdmin(user.id, d.id);
    await audit(this.store, scope, 'user.domain.grant', user.address, { domains: found.map((d) => d.name) });
    return this.managedDomains(scope, user.id);
  }

  /** Ends a domain admin's administration of domains; answers the domains it administers now. */
  async revokeDomains(scope: AdminScope, ref: UserRef, domains: string[]): Promise<string[]> {
    const user = await this.get(scope, ref);
    checkTarget(scope, user, 'change');
    const found = await this.domainsByName(scope, domains);
    for (const d of found) {
      if (!(await this.store.admin.removeDomainAdmin(user.id, d.id))) throw notFound(`${user.address} as administrator of ${d.name}`);
    }
    await audit(this.store, scope, 'user.domain.revoke', user.address, { domains: found.map((d) => d.name) });
    return this.managedDomains(scope, user.id);
  }

  /** The domains an account administers (none for a user; an administrator has every domain). */
  async managedDomains(scope: AdminScope, ref: UserRef): Promise<string[]> {
    const user = await this.get(scope, ref);
    return (await this.store.admin.managedDomains(user.id, user.role)).map((d) => d.name);
  }

  /** Addresses an administrator let the account send as (besides its own and its aliases'). */
  async senderGrants(scope: AdminScope, ref: UserRef): Promise<string[]> {
    const user = await this.get(scope, ref);
    return this.store.recipients.senderGrants(user.id);
  }

  /**
   * Lets the account send as `address` (SMTP MAIL FROM and From:, the webmail's From). Granting
   * an address the account already has changes nothing. A domain admin grants only addresses
   * of the domains they administer (else they could let anyone send as anyone elsewhere).
   */
  async grantSender(scope: AdminScope, ref: UserRef, address: string): Promise<string[]> {
    const user = await this.get(scope, ref);
    checkTarget(scope, user, 'change');
    const wanted = address.trim().toLowerCase();
    if (!splitAddress(wanted)) throw invalid(`"${address.trim()}" is not a valid address`, { address: ['This is not a valid email address'] });
    requireDomain(scope, wanted, 'address');
    const before = await this.store.recipients.senderGrants(user.id);
    if (!before.includes(wanted)) {
      await this.store.recipients.grantSender(user.id, wanted);
      await audit(this.store, scope, 'user.sender.grant', user.address, { address: wanted });
    }
    return this.store.recipients.senderGrants(user.id);
  }

  /** Takes a granted sender address away; not found when the account did not have it. */
  async revokeSender(scope: AdminScope, ref: UserRef, address: string): Promise<string[]> {
    const user = await this.get(scope, ref);
    checkTarget(scope, user, 'change');
    const wanted = address.trim().toLowerCase();
    if (!(await this.store.recipients.senderGrants(user.id)).includes(wanted)) throw notFound(`${wanted} as a sender address of ${user.address}`);
    await this.store.recipients.revokeSender(user.id, wanted);
    await audit(this.store, scope, 'user.sender.revoke', user.address, { address: wanted });
    return this.store.recipients.senderGrants(user.id);
  }

  private async domainsByName(scope: AdminScope, names: string[]): Promise<{ id: number; name: string }[]> {
    const found: { id: number; name: string }[] = [];
    for (const name of [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))]) {
      requireDomain(scope, `@${name}`, 'domains');
      const domain = await this.store.domains.findByName(name);
      if (!domain) throw notFound(`domain ${name}`);
      found.push({ id: domain.id, name: domain.name });
    }
    return found;
  }

  /**
   * Deletes the account AND its mail: every mailbox and message goes with it (counted in
   * `removed`), as do its app passwords and sessions. To keep the mail, disable the account.
   */
  async remove(scope: AdminScope, ref: UserRef): Promise<{ user: UserRow; removed: { mailboxes: number; messages: number } }> {
    const user = await this.get(scope, ref);
    if (user.id === scope.accountId) throw invalid('you cannot delete your own account here');
    checkTarget(scope, user, 'delete');
    const removed = await this.store.admin.userMailCount(user.id);
    await this.store.accounts.remove(user.address);
    await this.sessions?.destroyOthers(user.id);
    await audit(this.store, scope, 'user.delete', user.address, { mailRemoved: removed });
    return { user, removed };
  }
}

/** Only a server admin hands out the admin role; a domain admin may make domain admins and users. */
function checkRole(scope: AdminScope, role: AccountRole | undefined): void {
  if (role === 'admin' && !scope.isAdmin) throw forbidden('only a server administrator may grant the admin role', { role: ['not allowed'] });
}

function checkTarget(scope: AdminScope, user: { role: AccountRole }, what: 'change' | 'delete'): void {
  if (user.role === 'admin' && !scope.isAdmin) throw forbidden(`only a server administrator may ${what} an administrator`);
}
