import type { Type } from '@nestjs/common';
import type { Role } from '@mailstead/config';
import { ApiRoleModule } from './api.role-module';
import { ImapRoleModule } from './imap.role-module';
import { ManageSieveRoleModule } from './managesieve.role-module';
import { Pop3RoleModule } from './pop3.role-module';
import { SmtpRoleModule } from './smtp.role-module';
import { WorkerRoleModule } from './worker.role-module';

/** One Nest module per role; a process imports the modules of the roles it runs (MAILSTEAD_ROLES). */
export const ROLE_MODULES: Record<Role, Type> = {
  api: ApiRoleModule,
  smtp: SmtpRoleModule,
  imap: ImapRoleModule,
  pop3: Pop3RoleModule,
  worker: WorkerRoleModule,
  managesieve: ManageSieveRoleModule,
};
