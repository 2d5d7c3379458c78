import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Authenticator } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import { Pop3Server, RedisLoginDelayGate, RedisMaildropLock, RedisWireSizeCache, storeMailStore } from '@mailstead/pop3';
import type { Store } from '@mailstead/store';
import type { Logger } from '../../runtime/logger';
import type { TlsMaterial } from '../../runtime/tls';
import { AUTHENTICATOR, CONFIG, LOGGER, REDIS, STORE, TLS } from '../tokens';
import { RoleRegistry } from './role-registry';

/** The POP3 listeners: STLS on the plain port, implicit TLS on the POP3S port (libs/pop3). */
@Injectable()
class Pop3Role implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Pop3Server | undefined;

  constructor(
    @Inject(RoleRegistry) private readonly registry: RoleRegistry,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(STORE) private readonly store: Store,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(TLS) private readonly tls: TlsMaterial,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { pop3 } = this.config;
    this.registry.set('pop3', { state: 'starting' });
    const server = new Pop3Server({
      hostname: this.config.hostname,
      mailStore: storeMailStore(this.store, new RedisWireSizeCache(this.redis)),
      authenticator: this.authenticator,
      lock: new RedisMaildropLock(this.redis),
      loginDelay: new RedisLoginDelayGate(this.redis),
      loginDelaySeconds: pop3.loginDelaySeconds,
      insecureAuth: this.config.auth.insecure,
      limits: { maxLineLength: pop3.maxLineLength, maxBadCommands: pop3.maxBadCommands, idleTimeoutMs: pop3.idleTimeoutSeconds * 1000 },
      tls: { cert: this.tls.cert, key: this.tls.key },
      logger: this.logger.child({ role: 'pop3' }),
    });
    this.server = server;
    try {
      const plain = await server.listen(pop3.plain.host, pop3.plain.port, { implicitTls: false });
      const secure = await server.listen(pop3.tls.host, pop3.tls.port, { implicitTls: true });
      this.registry.set('pop3', {
        state: 'up',
        listeners: [
          { name: 'pop3', host: pop3.plain.host, port: plain.port },
          { name: 'pop3s', host: pop3.tls.host, port: secure.port },
        ],
      });
    } catch (error) {
      // Reported as down (so /api/health fails) while the other roles of the process keep serving.
      await server.close();
      const detail = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: detail }, 'pop3 listeners could not start');
      this.registry.set('pop3', { state: 'down', detail });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}

@Module({ providers: [Pop3Role] })
export class Pop3RoleModule {}
