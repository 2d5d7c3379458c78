import type { Store } from '@mailstead/store';
import type { JobHandler } from '../jobs/job-catalog';
import type { Logger } from '../../runtime/logger';

/**
 * The `sieve-tracking.prune` job (hourly, job-catalog.ts): vacation-reply records (RFC 5230 4.2)
 * and duplicate ids (RFC 7352) past their period are deleted. Expired rows already count as
 * absent at delivery; this only keeps the tables small.
 */
export class SieveTrackingPruneJob implements JobHandler<'sieve-tracking.prune'> {
  readonly job = 'sieve-tracking.prune';
  private readonly log: Logger;

  constructor(
    logger: Logger,
    private readonly store: Pick<Store, 'sieve'>,
  ) {
    this.log = logger.child({ role: 'worker', job: this.job });
  }

  async run(): Promise<void> {
    const pruned = await this.store.sieve.pruneExpired();
    if (pruned.vacation + pruned.duplicates > 0) this.log.info(pruned, 'pruned expired sieve tracking records');
  }
}
