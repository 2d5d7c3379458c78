import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { MailsteadConfig } from '@mailstead/config';
import type { Store } from '@mailstead/store';
import type { Logger } from '../../runtime/logger';
import { CONFIG, LOGGER, STORE } from '../tokens';

export const EXPUNGE_PRUNE_INTERVAL_MS = 60 * 60_000;

/**
 * One pass of the QRESYNC history pruning (RFC 7162 3.2.5.2): expunged rows older than the
 * retention are deleted and each mailbox's expunge horizon raised, so later resyncs from before
 * the horizon get the (superset) fallback instead of a wrong exact answer.
 */
export async function pruneExpungedOnce(
  store: Pick<Store, 'imapSync'>,
  retentionDays: number,
  now = Date.now(),
): Promise<{ deleted: number; mailboxes: number }> {
  return store.imapSync.pruneExpunged(new Date(now - retentionDays * 86_400_000));
}

/** Worker role: prunes the expunge history once at start and then every hour. */
@Injectable()
export class ExpungePruneJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: MailsteadConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(STORE) private readonly store: Store,
  ) {}

  onApplicationBootstrap(): void {
    const log = this.logger.child({ role: 'worker', job: 'expunge-prune' });
    const run = () => {
      pruneExpungedOnce(this.store, this.config.imap.expungedRetentionDays)
        .then((r) => {
          if (r.deleted > 0) log.info(r, 'pruned expunge history');
        })
        .catch((error: unknown) => log.warn({ err: error }, 'expunge history pruning failed'));
    };
    run();
    this.timer = setInterval(run, EXPUNGE_PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
