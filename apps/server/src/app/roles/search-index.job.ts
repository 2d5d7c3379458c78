import type { Store } from '@mailstead/store';
import { SEARCH_INDEX_BUDGET_MS, type JobHandler, type JobPayloads } from '../jobs/job-catalog';
import type { Logger } from '../../runtime/logger';

/**
 * One pass of the background full-text filler: delivery stores message.search_vector as NULL
 * (libs/store search-index.repository.ts); this fills batches of them (each batch its own short
 * transaction, rows claimed FOR UPDATE SKIP LOCKED so several worker processes share the work)
 * until none is left or the pass budget is spent. Returns the number of vectors written.
 */
export async function fillSearchIndexOnce(store: Pick<Store, 'searchIndex'>, budgetMs = SEARCH_INDEX_BUDGET_MS): Promise<number> {
  const started = Date.now();
  let filled = 0;
  for (;;) {
    const batch = await store.searchIndex.fillBatch();
    filled += batch.filled;
    if (!batch.more || Date.now() - started > budgetMs) return filled;
  }
}

/** The `search-index.fill` job: indexes not-yet-indexed messages (every 30 s, job-catalog.ts). */
export class SearchIndexJob implements JobHandler<'search-index.fill'> {
  readonly job = 'search-index.fill';
  private readonly log: Logger;

  constructor(
    logger: Logger,
    private readonly store: Pick<Store, 'searchIndex'>,
  ) {
    this.log = logger.child({ role: 'worker', job: this.job });
  }

  async run({ budgetMs }: JobPayloads['search-index.fill']): Promise<void> {
    const filled = await fillSearchIndexOnce(this.store, budgetMs);
    if (filled > 0) this.log.info({ filled }, 'filled full-text vectors');
  }
}
