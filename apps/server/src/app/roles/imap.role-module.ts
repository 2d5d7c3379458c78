import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Authenticator } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import { ImapMailStore, ImapServer, type ImapAuthenticator } from '@mailstead/imap';
import { spamTrainerFor } from '@mailstead/spam';
import type { ChangeFeed, Store } from '@mailstead/store';
import type { Logger } from '../../runtime/logger';
import type { TlsMaterial } from '../../runtime/tls';
import { AUTHENTICATOR, CHANGE_FEED, CONFIG, LOGGER, STORE, TLS } from '../tokens';
import { RoleRegistry } from './role-registry';

/** The shared Authenticator (throttled, protocol 'imap') as the IMAP server sees it. */
function imapAuthenticator(authenticator: Authenticator): ImapAuthenticator {
  return {
    async authenticate({ username, password, ip }) {
      const result = await authenticator.authenticate({ username, password, ip, protocol: 'imap' });
      if (!result.ok) return { ok: false, reason: result.reason };
      return { ok: true, accountId: result.account.id, address: result.account.address, admin: result.account.role === 'admin' };
    },
  };
}

/** The IMAP listeners: STARTTLS on the plain port, implicit TLS on the IMAPS port (libs/imap). */
@Injectable()
class ImapRole implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: ImapServer | undefined;

  constructor(
    @Inject(RoleRegistry) private readonly registry: RoleRegistry,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(STORE) private readonly store: Store,
    @Inject(CHANGE_FEED) private readonly changeFeed: ChangeFeed,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(TLS) private readonly tls: TlsMaterial,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { imap } = this.config;
    this.registry.set('imap', { state: 'starting' });
    const server = new ImapServer({
      hostname: this.config.hostname,
      // the same limit twice: the server reports it (GETQUOTA) and pre-checks APPEND, the store enforces it atomically
      // moving mail into or out of Junk trains the spam classifier (libs/spam)
      store: new ImapMailStore(this.store, this.changeFeed, { messageQuota: imap.messageQuota, spamTrainer: spamTrainerFor(this.store, this.config, this.logger.child({ role: 'imap' })) }),
      authenticator: imapAuthenticator(this.authenticator),
      tls: { cert: this.tls.cert, key: this.tls.key },
      insecureAuth: this.config.auth.insecure,
      limits: {
        maxLineLength: imap.maxLineLength,
        maxLiteralSize: this.config.smtp.maxMessageSize,
        maxNesting: imap.maxNesting,
        idleTimeoutMs: imap.idleTimeoutSeconds * 1000,
        autologoutMs: imap.idleTimeoutSeconds * 1000,
        loginTimeoutMs: imap.loginTimeoutSeconds * 1000,
        maxBadCommands: imap.maxBadCommands,
      },
      logger: this.logger.child({ role: 'imap' }),
      messageQuota: imap.messageQuota,
      metadataMaxSize: imap.metadataMaxSize,
      metadataMaxEntries: imap.metadataMaxEntries,
      adminAddress: this.config.admin.address,
    });
    this.server = server;
    try {
      const plain = await server.listen('imap', imap.plain.host, imap.plain.port, false);
      const secure = await server.listen('imaps', imap.tls.host, imap.tls.port, true);
      this.registry.set('imap', { state: 'up', listeners: [plain, secure] });
    } catch (error) {
      // Reported as down (so /api/health fails) while the other roles of the process keep serving.
      await server.close();
      const detail = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: detail }, 'imap listeners could not start');
      this.registry.set('imap', { state: 'down', detail });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}

@Module({ providers: [ImapRole] })
export class ImapRoleModule {}
