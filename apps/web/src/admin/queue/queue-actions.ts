import type { AdminDataProvider } from '../api/data-provider';
import type { QueueRecord } from '../api/admin-types';

export type QueueAction = 'retry' | 'bounce' | 'delete';

/** At most this many rows are touched by one "all matching" action. */
export const BULK_LIMIT = 1000;

/** Runs one action on each id, one request at a time; reports how many worked and the first error. */
export async function applyToIds(dp: AdminDataProvider, ids: readonly string[], action: QueueAction): Promise<{ done: number; failed: number; firstError?: string }> {
  let done = 0;
  let failed = 0;
  let firstError: string | undefined;
  for (const id of ids) {
    try {
      if (action === 'delete') await dp.delete('queue', { id });
      else await dp.queueAction(id, action);
      done += 1;
    } catch (error) {
      failed += 1;
      firstError ??= (error as Error).message;
    }
  }
  return { done, failed, firstError };
}

/**
 * The ids of every queue entry matching a filter (paged through the list endpoint), keeping
 * only those created before `olderThan` when given: the API filters by status/domain, the age
 * cut is applied here so it works whatever the API supports.
 */
export async function matchingIds(dp: AdminDataProvider, filter: Record<string, unknown>, olderThan?: Date): Promise<string[]> {
  const ids: string[] = [];
  const perPage = 100;
  for (let page = 1; ids.length < BULK_LIMIT; page += 1) {
    const { data, total } = await dp.getList<QueueRecord>('queue', { pagination: { page, perPage }, sort: { field: 'id', order: 'ASC' }, filter });
    for (const row of data) if (!olderThan || new Date(row.createdAt) < olderThan) ids.push(row.id);
    if (data.length < perPage || page * perPage >= (total ?? 0)) break;
  }
  return ids.slice(0, BULK_LIMIT);
}
