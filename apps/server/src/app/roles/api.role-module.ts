import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { MailsteadConfig } from '@mailstead/config';
import { HealthController } from '../../api/health.controller';
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

/** The HTTP API under /api (the HTTP listener itself is started in runtime/server.ts). */
@Module({ controllers: [HealthController], providers: [ApiRole] })
export class ApiRoleModule {}
