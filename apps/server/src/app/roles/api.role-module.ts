import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { MailsteadConfig } from '@mailstead/config';
import { AdminAliasesController } from '../../api/admin/admin-aliases.controller';
import { AdminSieveController } from '../../api/admin/admin-sieve.controller';
import { AdminDomainsController } from '../../api/admin/admin-domains.controller';
import { AdminListsController } from '../../api/admin/admin-lists.controller';
import { AdminMailService } from '../../api/admin/admin-mail.service';
import { AdminQueueController } from '../../api/admin/admin-queue.controller';
import { AdminStatsController } from '../../api/admin/admin-stats.controller';
import { AdminUsersController } from '../../api/admin/admin-users.controller';
import { ApiExceptionFilter } from '../../api/api-exception.filter';
import { API_SERVICE_PROVIDERS } from '../../api/api-services';
import { AuthController } from '../../api/auth.controller';
import { SessionGuard } from '../../api/auth.guard';
import { ClientSetupController } from '../../api/client-setup.controller';
import { ComposeController } from '../../api/compose.controller';
import { EventsController } from '../../api/events.controller';
import { HealthController } from '../../api/health.controller';
import { ListUnsubscribeController } from '../../api/list-unsubscribe.controller';
import { MailboxController } from '../../api/mailbox.controller';
import { MessageController } from '../../api/message.controller';
import { SessionService } from '../../api/session.service';
import { SieveRulesController } from '../../api/sieve-rules.controller';
import { QuarantineController, SpamSettingsController } from '../../api/quarantine.controller';
import { TotpService } from '../../api/totp.service';
import { CONFIG } from '../tokens';
import { RoleRegistry } from './role-registry';

@Injectable()
class ApiRole implements OnApplicationBootstrap {
  constructor(
    @Inject(RoleRegistry) private readonly registry: RoleRegistry,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.set('api', { state: 'up', listeners: [{ name: 'http', ...this.config.http }] });
  }
}

/**
 * The HTTP API under /api: auth and sessions, webmail, live events, admin resources
 * (the HTTP listener itself is started in runtime/server.ts, plugins in api/http-setup.ts).
 */
@Module({
  controllers: [
    HealthController, AuthController, MailboxController, MessageController, ComposeController,
    EventsController,
    ClientSetupController,
    ListUnsubscribeController,
    AdminDomainsController,
    AdminUsersController,
    AdminAliasesController,
    AdminSieveController,
    AdminListsController,
    AdminQueueController,
    AdminStatsController,
    SieveRulesController,
    QuarantineController,
    SpamSettingsController,
  ],
  providers: [ApiRole, SessionService, SessionGuard, TotpService, AdminMailService, ...API_SERVICE_PROVIDERS, { provide: APP_FILTER, useClass: ApiExceptionFilter }],
})
export class ApiRoleModule {}
