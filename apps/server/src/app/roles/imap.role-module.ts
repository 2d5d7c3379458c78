import { Module } from '@nestjs/common';
import { pendingRoleProvider } from './pending.role';

/** Replaced by the real imap role when its issue lands; until then it reports itself pending. */
@Module({ providers: [pendingRoleProvider('imap')] })
export class ImapRoleModule {}
