import { Module } from '@nestjs/common';
import { pendingRoleProvider } from './pending.role';

/** Replaced by the real pop3 role when its issue lands; until then it reports itself pending. */
@Module({ providers: [pendingRoleProvider('pop3')] })
export class Pop3RoleModule {}
