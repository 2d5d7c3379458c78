import type { AccountRole, Store } from '@mailstead/store';
import { forbidden } from './service-error';

/**
 * What an administrator may touch: every domain (role admin, and the CLI) or the domains a
 * domain admin was granted. Every admin service method takes one and checks against it.
 */
export interface AdminScope {
  /** Who acts, as the audit log names them: an address, or "cli". */
  actor: string;
  isAdmin: boolean;
  domains: { id: number; name: string }[];
  /** undefined = every domain */
  domainIds?: number[];
  /** The acting account (undefined for the CLI): nobody deletes their own account. */
  accountId?: number;
  /** Where the request came from, for the audit log. */
  ip?: string;
}

/** The operator CLI acts as a server administrator. */
export const CLI_SCOPE: AdminScope = { actor: 'cli', isAdmin: true, domains: [] };

/** The scope of a logged-in account; 403 for accounts that administer nothing. */
export async function scopeOf(store: Store, account: { id: number; address: string; role: AccountRole }, ip?: string): Promise<AdminScope> {
  const { role } = account;
  if (role !== 'admin' && role !== 'domain_admin') throw forbidden('administrators only');
  const domains = await store.admin.managedDomains(account.id, role);
  return { actor: account.address, isAdmin: role === 'admin', domains, domainIds: role === 'admin' ? undefined : domains.map((d) => d.id), accountId: account.id, ip };
}

export function requireFullAdmin(scope: AdminScope): void {
  if (!scope.isAdmin) throw forbidden('only a server administrator may do this');
}

export const inScope = (scope: AdminScope, domainId: number) => !scope.domainIds || scope.domainIds.includes(domainId);

export function domainOfAddress(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).trim().toLowerCase();
}

/** The domain an address belongs to must be administered by the caller (403 otherwise). */
export function requireDomain(scope: AdminScope, address: string, field: string): void {
  if (scope.isAdmin) return;
  const domain = domainOfAddress(address);
  if (!scope.domains.some((d) => d.name === domain)) throw forbidden(`you do not administer ${domain}`, { [field]: [`not one of your domains: ${domain}`] });
}

/** Domain names a domain admin's queue and audit reads are limited to (undefined = all). */
export const scopeDomainNames = (scope: AdminScope) => (scope.isAdmin ? undefined : scope.domains.map((d) => d.name));

/** The audit entry of an admin action, with the scope's actor and address. */
export function audit(store: Store, scope: AdminScope, action: string, target: string | null, details?: Record<string, unknown>): Promise<void> {
  return store.audit.record({ actor: scope.actor, action, target, ...(details !== undefined ? { details } : {}), ...(scope.ip ? { ip: scope.ip } : {}) });
}
