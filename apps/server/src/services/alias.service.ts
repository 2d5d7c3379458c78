import type { AdminPage, AliasRecord, Store } from '@mailstead/store';
import { audit, inScope, requireDomain, type AdminScope } from './admin-scope';
import { notFound } from './service-error';

/** An alias by id (API) or by source (CLI: an address, or @domain for the catch-all). */
export type AliasRef = number | string;

/** Aliases and catch-alls, for the admin API and the CLI; a domain admin manages those of their domains. */
export class AliasService {
  constructor(private readonly store: Store) {}

  list(scope: AdminScope, page: Omit<AdminPage, 'domainIds'>) {
    return this.store.admin.aliases({ ...page, domainIds: scope.domainIds });
  }

  async get(scope: AdminScope, ref: AliasRef): Promise<AliasRecord & { domainId: number }> {
    const id = typeof ref === 'number' ? ref : (await this.store.aliases.findBySource(ref))?.id;
    const alias = id === undefined ? null : await this.store.admin.alias(id);
    if (!alias || !inScope(scope, alias.domainId)) throw notFound(typeof ref === 'number' ? 'alias' : `alias ${ref.trim().toLowerCase()}`);
    return alias;
  }

  async create(scope: AdminScope, source: string, destinations: string[]): Promise<AliasRecord> {
    requireDomain(scope, source, 'source');
    const alias = await this.store.aliases.create(source, destinations);
    await audit(this.store, scope, 'alias.create', alias.source, { destinations: alias.destinations });
    return alias;
  }

  async update(scope: AdminScope, ref: AliasRef, input: { destinations?: string[]; enabled?: boolean }): Promise<AliasRecord> {
    const alias = await this.get(scope, ref);
    await this.store.admin.updateAlias(alias.id, input);
    await audit(this.store, scope, 'alias.update', alias.source, input);
    return (await this.store.admin.alias(alias.id))!;
  }

  /** Removes the alias; answers it as it was. */
  async remove(scope: AdminScope, ref: AliasRef): Promise<AliasRecord> {
    const alias = await this.get(scope, ref);
    await this.store.aliases.remove(alias.source);
    await audit(this.store, scope, 'alias.delete', alias.source);
    return alias;
  }
}
