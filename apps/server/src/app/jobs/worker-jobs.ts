import type { DeliveryWorker } from '@mailstead/delivery';
import type { Store } from '@mailstead/store';
import type { Logger } from '../../runtime/logger';
import { ExpungePruneJob } from '../roles/expunge-prune.job';
import { SearchIndexJob } from '../roles/search-index.job';
import { SieveTrackingPruneJob } from '../roles/sieve-tracking-prune.job';
import type { AnyJobHandler, JobHandler } from './job-catalog';

/** The `delivery.reconcile` job: due outbound rows onto the delivery queue. */
export function deliveryReconcileJob(delivery: Pick<DeliveryWorker, 'reconcile'>): JobHandler<'delivery.reconcile'> {
  return {
    job: 'delivery.reconcile',
    run: async () => {
      await delivery.reconcile();
    },
  };
}

/** The handlers of the worker role, one per job of the catalog (JobRunner checks that). */
export function workerJobHandlers(deps: { logger: Logger; store: Store; delivery: Pick<DeliveryWorker, 'reconcile'> }): AnyJobHandler[] {
  return [new SearchIndexJob(deps.logger, deps.store), new ExpungePruneJob(deps.logger, deps.store), deliveryReconcileJob(deps.delivery), new SieveTrackingPruneJob(deps.logger, deps.store)];
}
