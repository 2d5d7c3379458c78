import type { AdminPage, Store } from '@mailstead/store';
import { scopeDomainNames, type AdminScope } from './admin-scope';

/** The audit log as administrators read it: a domain admin sees entries about their domains and addresses in them. */
export class AuditLogService {
  constructor(private readonly store: Store) {}

  /** Newest first unless another order is asked for. */
  list(scope: AdminScope, page: Omit<AdminPage, 'domainIds' | 'ids'>) {
    return this.store.admin.audit({ ...page, domains: scopeDomainNames(scope) });
  }
}
