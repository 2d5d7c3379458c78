import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Role } from '@mailstead/config';
import { RoleRegistry } from './role-registry';

/** The roles whose servers are still being built (see the open issues); each reports so. */
export const PENDING_ROLES: Partial<Record<Role, string>> = {
  smtp: 'SMTP listeners arrive with the SMTP front-end issue',
  imap: 'IMAP listeners arrive with the IMAP server issue',
  pop3: 'POP3 listeners arrive with the POP3 server issue',
  worker: 'delivery processors arrive with the outbound delivery issue',
};

export function pendingRoleProvider(role: Role) {
  @Injectable()
  class PendingRole implements OnApplicationBootstrap {
    constructor(@Inject(RoleRegistry) private readonly registry: RoleRegistry) {}

    onApplicationBootstrap(): void {
      this.registry.set(role, { state: 'pending', detail: PENDING_ROLES[role] ?? 'not built yet' });
    }
  }
  Object.defineProperty(PendingRole, 'name', { value: `${role}PendingRole` });
  return PendingRole;
}
