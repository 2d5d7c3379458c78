import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Authenticator } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import type { ChangeFeed, Store } from '@mailstead/store';
import type { Logger } from '../runtime/logger';
import type { TlsMaterial } from '../runtime/tls';
import { ROLE_MODULES } from './roles/role-modules';
import { RoleRegistry } from './roles/role-registry';
import { AUTHENTICATOR, CHANGE_FEED, CONFIG, LOGGER, REDIS, STORE, TLS } from './tokens';

/** Everything the roles share, created before Nest starts (see runtime/server.ts). */
export interface SharedServices {
  config: MailsteadConfig;
  logger: Logger;
  store: Store;
  redis: Redis;
  changeFeed: ChangeFeed;
  authenticator: Authenticator;
  tls: TlsMaterial;
}

/** Closes the shared connections when Nest shuts down (after every role has stopped). */
@Injectable()
class SharedServicesLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CHANGE_FEED) private readonly changeFeed: ChangeFeed,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.changeFeed.close();
    this.redis.disconnect();
    await this.store.close();
  }
}

@Module({})
class SharedModule {}

@Module({})
export class AppModule {
  static forRoot(services: SharedServices): DynamicModule {
    const shared: Provider[] = [
      { provide: CONFIG, useValue: services.config },
      { provide: LOGGER, useValue: services.logger },
      { provide: STORE, useValue: services.store },
      { provide: REDIS, useValue: services.redis },
      { provide: CHANGE_FEED, useValue: services.changeFeed },
      { provide: AUTHENTICATOR, useValue: services.authenticator },
      { provide: TLS, useValue: services.tls },
      RoleRegistry,
      SharedServicesLifecycle,
    ];
    // The shared services are global; each role of this process adds its own module.
    const sharedModule: DynamicModule = { module: SharedModule, global: true, providers: shared, exports: shared };
    return { module: AppModule, imports: [sharedModule, ...services.config.roles.map((role) => ROLE_MODULES[role])] };
  }
}
