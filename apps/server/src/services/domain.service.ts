import { generateDkimKey, type DkimKey } from '@mailstead/delivery';
import type { AdminPage, Store } from '@mailstead/store';
import { audit, inScope, requireFullAdmin, type AdminScope } from './admin-scope';
import { invalid, notFound } from './service-error';

/** A domain by id (API) or by name (CLI). */
export type DomainRef = number | string;

type DomainRow = NonNullable<Awaited<ReturnType<Store['admin']['domain']>>>;

/** A DNS label: what a DKIM selector must be (RFC 6376 3.1). */
const SELECTOR = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * Mail domains, for the admin API and the CLI. A domain admin sees their own domains; only a
 * server administrator creates, changes or removes one. Removing a domain removes everything in
 * it (accounts with their mail, aliases, lists).
 */
export class DomainService {
  constructor(private readonly store: Store) {}

  list(scope: AdminScope, page: Omit<AdminPage, 'domainIds'>) {
    return this.store.admin.domains({ ...page, domainIds: scope.domainIds });
  }

  async get(scope: AdminScope, ref: DomainRef): Promise<DomainRow> {
    const id = typeof ref === 'number' ? ref : (await this.store.domains.findByName(ref))?.id;
    const domain = id === undefined ? null : await this.store.admin.domain(id);
    if (!domain || !inScope(scope, domain.id)) throw notFound(typeof ref === 'number' ? 'domain' : `domain ${ref.trim().toLowerCase()}`);
    return domain;
  }

  async create(scope: AdminScope, name: string): Promise<DomainRow> {
    requireFullAdmin(scope);
    const created = await this.store.domains.create(name);
    await audit(this.store, scope, 'domain.create', created.name);
    // What a new domain gets besides its row goes here, each step audited on its own.
    // A DKIM key from the start (as Stalwart does), so the DNS page lists its record to publish;
    // its selector (ms<yyyymm>) is never one rotateDkim picks (ms<yyyymmdd>[nN]).
    const key = generateDkimKey();
    await this.store.outbound.setDkimKey(created.name, key.selector, key.privateKey);
    await audit(this.store, scope, 'dkim.generate', created.name, { selector: key.selector, previous: null });
    return (await this.store.admin.domain(created.id))!;
  }

  async update(scope: AdminScope, ref: DomainRef, input: { enabled?: boolean; requireTotp?: boolean }): Promise<DomainRow> {
    const domain = await this.get(scope, ref);
    requireFullAdmin(scope);
    if (input.enabled !== undefined || input.requireTotp !== undefined) await this.store.admin.updateDomain(domain.id, input);
    await audit(this.store, scope, 'domain.update', domain.name, input);
    return (await this.store.admin.domain(domain.id))!;
  }

  /** Removes the domain with its accounts (and their mail), aliases and lists; answers the row as it was. */
  async remove(scope: AdminScope, ref: DomainRef): Promise<DomainRow> {
    const domain = await this.get(scope, ref);
    requireFullAdmin(scope);
    await this.store.domains.remove(domain.name);
    await audit(this.store, scope, 'domain.delete', domain.name, { accounts: domain._count.accounts, aliases: domain._count.aliases, lists: domain._count.mailingLists });
    return domain;
  }

  /**
   * Generates a new DKIM key (RSA-2048), replacing the old one: mail is signed with the new key
   * from now on. Without `selector`, a new one each time (ms<yyyymmdd>, then n2, n3...), so the
   * old record can stay published until caches expire.
   */
  async rotateDkim(scope: AdminScope, ref: DomainRef, selector?: string): Promise<{ domain: DomainRow; key: DkimKey }> {
    const domain = await this.get(scope, ref);
    if (selector !== undefined && !SELECTOR.test(selector)) throw invalid(`selector "${selector}" is not a DNS label`, { selector: ['must be a DNS label'] });
    let chosen = selector;
    if (chosen === undefined) {
      const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      chosen = `ms${day}`;
      for (let n = 2; chosen === domain.dkimSelector; n++) chosen = `ms${day}n${n}`;
    }
    const key = generateDkimKey(chosen);
    await this.store.outbound.setDkimKey(domain.name, key.selector, key.privateKey);
    await audit(this.store, scope, domain.dkimSelector ? 'dkim.rotate' : 'dkim.generate', domain.name, { selector: key.selector, previous: domain.dkimSelector ?? null });
    return { domain: (await this.store.admin.domain(domain.id))!, key };
  }
}
