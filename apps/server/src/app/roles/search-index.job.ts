import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Store } from '@mailstead/store';
import type { Logger } from '../../runtime/logger';
import { LOGGER, STORE } from '../tokens';

export const SEARCH_INDEX_INTERVAL_MS = 30_000;
/** One pass stops after this long even if vectors remain (the next pass goes on). */
const PASS_BUDGET_MS = 20_000;

/**
 * One pass of the background full-text filler: delivery stores message.search_vector as NULL
 * (libs/store search-index.repository.ts); this fills batches of them (each batch its own short
 * transaction, rows claimed FOR UPDATE SKIP LOCKED so several worker processes share the work)
 * until none is left or the pass budget is spent. Returns the number of vectors written.
 */
export async function fillSearchIndexOnce(store: Pick<Store, 'searchIndex'>, budgetMs = PASS_BUDGET_MS): Promise<number> {
  const started = Date.now();
  let filled = 0;
  for (;;) {
    const batch = await store.searchIndex.fillBatch();
    filled += batch.filled;
    if (!batch.more || Date.now() - started > budgetMs) return filled;
  }
}

/** Worker role: indexes not-yet-indexed messages at start and then every 30 s. */
@Injectable()
export class SearchIndexJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(STORE) private readonly store: Store,
  ) {}

  onApplicationBootstrap(): void {
    const log = this.logger.child({ role: 'worker', job: 'search-index' });
    const run = () => {
      if (this.running) return;
      this.running = fillSearchIndexOnce(this.store)
        .then((filled) => {
          if (filled > 0) log.info({ filled }, 'filled full-text vectors');
        })
        .catch((error: unknown) => log.warn({ err: error }, 'full-text filling failed'))
        .finally(() => {
          this.running = undefined;
        });
    };
    run();
    this.timer = setInterval(run, SEARCH_INDEX_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
