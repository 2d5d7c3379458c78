import type { Store } from '@mailstead/store';
import type { JobHandler, JobPayloads } from '../jobs/job-catalog';
import type { Logger } from '../../runtime/logger';

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

/** The `expunge-history.prune` job (hourly, job-catalog.ts). */
export class ExpungePruneJob implements JobHandler<'expunge-history.prune'> {
  readonly job = 'expunge-history.prune';
  private readonly log: Logger;

  constructor(
    logger: Logger,
    private readonly store: Pick<Store, 'imapSync'>,
  ) {
    this.log = logger.child({ role: 'worker', job: this.job });
  }

  async run({ retentionDays }: JobPayloads['expunge-history.prune']): Promise<void> {
    const pruned = await pruneExpungedOnce(this.store, retentionDays);
    if (pruned.deleted > 0) this.log.info(pruned, 'pruned expunge history');
  }
}
