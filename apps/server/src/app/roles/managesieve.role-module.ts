import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Authenticator } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import { ManageSieveServer } from '@mailstead/managesieve';
import { SIEVE_EXTENSIONS, sieveLimits } from '@mailstead/sieve';
import type { Store } from '@mailstead/store';
import type { Logger } from '../../runtime/logger';
import type { TlsMaterial } from '../../runtime/tls';
import { SieveScriptService } from '../../services/sieve-script.service';
import { AUTHENTICATOR, CONFIG, LOGGER, STORE, TLS } from '../tokens';
import { managesieveScriptStore } from './managesieve-script-store';
import { RoleRegistry } from './role-registry';

/** The ManageSieve listener (RFC 5804, STARTTLS on one port; libs/managesieve). */
@Injectable()
class ManageSieveRole implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: ManageSieveServer | undefined;

  constructor(
    @Inject(RoleRegistry) private readonly registry: RoleRegistry,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(STORE) private readonly store: Store,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(TLS) private readonly tls: TlsMaterial,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { managesieve } = this.config;
    this.registry.set('managesieve', { state: 'starting' });
    const server = new ManageSieveServer({
      implementation: 'Mailstead',
      scripts: managesieveScriptStore(new SieveScriptService(this.store, managesieve)),
      authenticator: this.authenticator,
      sieveExtensions: SIEVE_EXTENSIONS,
      maxRedirects: sieveLimits.maxRedirects,
      insecureAuth: this.config.auth.insecure,
      limits: {
        maxLineLength: managesieve.maxLineLength,
        maxLiteralSize: managesieve.maxScriptSize,
        maxBadCommands: managesieve.maxBadCommands,
        idleTimeoutMs: managesieve.idleTimeoutSeconds * 1000,
      },
      tls: { cert: this.tls.cert, key: this.tls.key },
      logger: this.logger.child({ role: 'managesieve' }),
    });
    this.server = server;
    try {
      const bound = await server.listen(managesieve.plain.host, managesieve.plain.port);
      this.registry.set('managesieve', { state: 'up', listeners: [{ name: 'managesieve', host: managesieve.plain.host, port: bound.port }] });
    } catch (error) {
      // Reported as down (so /api/health fails) while the other roles of the process keep serving.
      await server.close();
      const detail = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: detail }, 'managesieve listener could not start');
      this.registry.set('managesieve', { state: 'down', detail });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}

@Module({ providers: [ManageSieveRole] })
export class ManageSieveRoleModule {}
