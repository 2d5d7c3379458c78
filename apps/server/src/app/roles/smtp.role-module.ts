import { Module } from '@nestjs/common';
import { pendingRoleProvider } from './pending.role';

/** Replaced by the real smtp role when its issue lands; until then it reports itself pending. */
@Module({ providers: [pendingRoleProvider('smtp')] })
export class SmtpRoleModule {}
