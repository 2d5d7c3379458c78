import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Authenticator } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import { DeliveryQueue } from '@mailstead/delivery';
import { recipientResolverFor, spamPipelineOptions } from '@mailstead/pipeline';
import { SmtpFrontEnd } from '@mailstead/smtp';
import type { Store } from '@mailstead/store';
import type { Logger } from '../../runtime/logger';
import { listLinks, serverSecret } from '../../runtime/secret';
import type { TlsMaterial } from '../../runtime/tls';
import { AUTHENTICATOR, CONFIG, LOGGER, REDIS, STORE, TLS } from '../tokens';
import { RoleRegistry } from './role-registry';

/** The smtp role: MX, submission (STARTTLS) and submissions (implicit TLS) listeners from libs/smtp. */
@Injectable()
class SmtpRole implements OnApplicationBootstrap, OnApplicationShutdown {
  private frontEnd: SmtpFrontEnd | undefined;
  private queue: DeliveryQueue | undefined;

  constructor(
    @Inject(RoleRegistry) private readonly registry: RoleRegistry,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(STORE) private readonly store: Store,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(TLS) private readonly tls: TlsMaterial,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this;
    this.registry.set('smtp', { state: 'starting' });
    const log = this.logger.child({ role: 'smtp' });
    const queue = new DeliveryQueue(this.redis);
    this.queue = queue;
    this.frontEnd = new SmtpFrontEnd(
      {
        store: this.store,
        resolver: recipientResolverFor(this.store, config, serverSecret(config)),
        authenticator: this.authenticator,
        hostname: config.hostname,
        limits: {
          maxMessageSize: config.smtp.maxMessageSize,
          maxRecipients: config.smtp.maxRecipients,
          maxConnections: config.smtp.maxConnections,
          maxConnectionsPerIp: config.smtp.maxConnectionsPerIp,
          idleTimeoutSeconds: config.smtp.idleTimeoutSeconds,
          greetingDelayMs: config.smtp.greetingDelayMs,
          maxRefusedRecipients: config.smtpDefence.maxRefusedRecipients,
        },
        insecureAuth: config.auth.insecure,
        allowExpn: config.smtp.allowExpn,
        senderChecks: config.smtp.senderChecks,
        dmarcReject: config.smtp.dmarcReject,
        listLinks: listLinks(config),
        listBouncePolicy: { threshold: config.delivery.listBounceThreshold, action: config.delivery.listBounceAction },
        storage: { dir: config.dataDir, minFree: config.minFreeSpace },
        // MX connection checks and submission rate limits (greylist and counters in the shared Redis)
        defence: { settings: config.smtpDefence, redis: this.redis, dnsServers: config.delivery.dnsServers },
        spam: spamPipelineOptions(this.store, config),
        logger: {
          info: (obj, msg) => log.info(obj, msg),
          warn: (obj, msg) => log.warn(obj, msg),
          error: (obj, msg) => log.error(obj, msg),
          debug: (obj, msg) => log.debug(obj, msg),
        },
        // After COMMIT: put the new outbound rows on the delivery queue at once. If Redis is down
        // the rows still wait in Postgres and the worker's reconciler enqueues them when due.
        onOutbound: (ids) => {
          queue.enqueue(ids).catch((error: unknown) => log.warn({ err: error, ids: ids.map(String) }, 'could not enqueue outbound rows; the reconciler will'));
        },
      },
      { cert: this.tls.cert, key: this.tls.key },
    );
    try {
      const listeners = await this.frontEnd.listen([
        { kind: 'mx', ...config.smtp.mx },
        { kind: 'submission', ...config.smtp.submission },
        { kind: 'submissions', ...config.smtp.submissions },
      ]);
      this.registry.set('smtp', { state: 'up', listeners: listeners.map((l) => ({ name: l.kind, host: l.host, port: l.port })) });
    } catch (error) {
      this.registry.set('smtp', { state: 'down', detail: (error as Error).message });
      log.error({ err: error }, 'smtp listeners failed to start');
      await this.frontEnd.close();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.frontEnd?.close();
    await this.queue?.close();
  }
}

@Module({ providers: [SmtpRole] })
export class SmtpRoleModule {}
