import type { SearchIndexScope, Store } from '@mailstead/store';
import type { Logger } from '../runtime/logger';

/** What the filler needs of libs/store's SearchIndexRepository. */
export type ScopeFiller = Pick<Store['searchIndex'], 'fillScope'>;

/**
 * Finishes, in the background, the full-text indexing a webmail search left undone when its time
 * budget ran out (libs/store search-index.repository.ts): at most one fill per account at a time
 * (a search while one runs starts no other), failures logged, never an unhandled rejection.
 * `stop()` (API module shutdown) aborts the fills between batches and waits for them, so none
 * runs on after the store is closed.
 */
export class SearchBackfill {
  private readonly running = new Map<number, Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly index: ScopeFiller,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
  ) {}

  /** Starts filling `scope` unless a fill for its account is running or the filler stopped; says whether it started one. */
  start(scope: SearchIndexScope): boolean {
    if (this.abort.signal.aborted || this.running.has(scope.accountId)) return false;
    const run = Promise.resolve()
      .then(() => this.index.fillScope(scope, { signal: this.abort.signal }))
      .then(
        ({ filled, pending }) => {
          if (filled > 0) this.log.info({ ...scope, filled, pending }, 'search index: background fill done');
        },
        (error: unknown) => this.log.warn({ ...scope, err: error }, 'search index: background fill failed'),
      )
      .finally(() => this.running.delete(scope.accountId));
    this.running.set(scope.accountId, run);
    return true;
  }

  /** Whether a background fill for the account is under way. */
  busy(accountId: number): boolean {
    return this.running.has(accountId);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running.values());
  }
}
