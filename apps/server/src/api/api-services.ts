import type { Provider } from '@nestjs/common';
import type { MailsteadConfig } from '@mailstead/config';
import type { Store } from '@mailstead/store';
import { CONFIG, STORE } from '../app/tokens';
import { AdminMailService } from './admin/admin-mail.service';
import { AliasService } from '../services/alias.service';
import { AuditLogService } from '../services/audit-log.service';
import { ClientSetupService } from '../services/client-setup.service';
import { DomainService } from '../services/domain.service';
import { ListService } from '../services/list.service';
import { MailboxService } from '../services/mailbox.service';
import { MessageService } from '../services/message.service';
import { QueueAdminService } from '../services/queue-admin.service';
import { StatsService } from '../services/stats.service';
import { UserService } from '../services/user.service';
import { SieveRulesService } from '../services/sieve-rules.service';
import { SieveScriptService } from '../services/sieve-script.service';
import { QuarantineService, SpamSettingsService } from '../services/quarantine.service';
import { spamTrainerFor } from '@mailstead/spam';
import { SessionService } from './session.service';

/**
 * The services (apps/server/src/services) the API controllers call, built by factories so that
 * they stay plain classes: the CLI constructs the same classes itself.
 */
export const API_SERVICE_PROVIDERS: Provider[] = [
  { provide: AliasService, useFactory: (store: Store) => new AliasService(store), inject: [STORE] },
  { provide: DomainService, useFactory: (store: Store) => new DomainService(store), inject: [STORE] },
  { provide: ListService, useFactory: (store: Store, mail: AdminMailService) => new ListService(store, mail), inject: [STORE, AdminMailService] },
  { provide: QueueAdminService, useFactory: (store: Store, mail: AdminMailService) => new QueueAdminService(store, () => mail.queueService()), inject: [STORE, AdminMailService] },
  { provide: AuditLogService, useFactory: (store: Store) => new AuditLogService(store), inject: [STORE] },
  { provide: StatsService, useFactory: (store: Store) => new StatsService(store), inject: [STORE] },
  { provide: ClientSetupService, useFactory: (store: Store, config: MailsteadConfig) => new ClientSetupService(store, config), inject: [STORE, CONFIG] },
  { provide: MailboxService, useFactory: (store: Store) => new MailboxService(store), inject: [STORE] },
  {
    provide: QuarantineService,
    useFactory: (store: Store, config: MailsteadConfig) => new QuarantineService(store, spamTrainerFor(store, config), config.imap.messageQuota),
    inject: [STORE, CONFIG],
  },
  {
    provide: SpamSettingsService,
    useFactory: (store: Store, config: MailsteadConfig) => new SpamSettingsService(store, { junk: config.spam.junkScore, quarantine: config.spam.quarantineScore, reject: config.spam.rejectScore }),
    inject: [STORE, CONFIG],
  },
  {
    provide: MessageService,
    useFactory: (store: Store, config: MailsteadConfig, mailboxes: MailboxService) => new MessageService(store, config, mailboxes, spamTrainerFor(store, config)),
    inject: [STORE, CONFIG, MailboxService],
  },
  {
    provide: SieveScriptService,
    useFactory: (store: Store, config: MailsteadConfig) => new SieveScriptService(store, config.managesieve),
    inject: [STORE, CONFIG],
  },
  {
    provide: SieveRulesService,
    useFactory: (store: Store, scripts: SieveScriptService, mailboxes: MailboxService, config: MailsteadConfig) => new SieveRulesService(store, scripts, mailboxes, config),
    inject: [STORE, SieveScriptService, MailboxService, CONFIG],
  },
  {
    provide: UserService,
    useFactory: (store: Store, config: MailsteadConfig, sessions: SessionService) => new UserService(store, config, sessions),
    inject: [STORE, CONFIG, SessionService],
  },
];
