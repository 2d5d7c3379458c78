import type { MailsteadConfig } from '@mailstead/config';

/**
 * Every periodic job of the cluster: its name and the payload it carries. Each runs as a
 * repeatable BullMQ job (job-runner.ts) with one scheduler per name in Redis, so it runs once
 * per period however many worker processes there are. A new job needs an entry here, its
 * period in `jobSchedules`, and a handler in worker-jobs.ts: start-up refuses a job without a
 * handler, or with two.
 */
export interface JobPayloads {
  /** Fills not-yet-indexed full-text vectors for at most budgetMs (roles/search-index.job.ts). */
  'search-index.fill': { budgetMs: number };
  /** Drops QRESYNC expunge history older than retentionDays (roles/expunge-prune.job.ts). */
  'expunge-history.prune': { retentionDays: number };
  /** Puts every due outbound row on the delivery queue (libs/delivery DeliveryWorker.reconcile). */
  'delivery.reconcile': Record<string, never>;
  /** Drops expired Sieve vacation-reply and duplicate records (roles/sieve-tracking-prune.job.ts). */
  'sieve-tracking.prune': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export interface JobSchedule<N extends JobName> {
  everyMs: number;
  payload: JobPayloads[N];
}

/** A period and a payload for every job of the catalog (the mapped type makes a missing one a type error). */
export type JobSchedules = { [N in JobName]: JobSchedule<N> };

export const SEARCH_INDEX_EVERY_MS = 30_000;
/** One search fill stops after this long even if vectors remain (the next one goes on). */
export const SEARCH_INDEX_BUDGET_MS = 20_000;
export const EXPUNGE_PRUNE_EVERY_MS = 60 * 60_000;
export const SIEVE_TRACKING_PRUNE_EVERY_MS = 60 * 60_000;

export function jobSchedules(config: Pick<MailsteadConfig, 'imap' | 'delivery'>): JobSchedules {
  return {
    'search-index.fill': { everyMs: SEARCH_INDEX_EVERY_MS, payload: { budgetMs: SEARCH_INDEX_BUDGET_MS } },
    'expunge-history.prune': { everyMs: EXPUNGE_PRUNE_EVERY_MS, payload: { retentionDays: config.imap.expungedRetentionDays } },
    'delivery.reconcile': { everyMs: config.delivery.scanInterval, payload: {} },
    'sieve-tracking.prune': { everyMs: SIEVE_TRACKING_PRUNE_EVERY_MS, payload: {} },
  };
}

export interface JobHandler<N extends JobName> {
  readonly job: N;
  /** May overlap with a run of the same job in another process when a run outlasts its period. */
  run(payload: JobPayloads[N]): Promise<void>;
}

export type AnyJobHandler = { [N in JobName]: JobHandler<N> }[JobName];

/** The handler of every job in `names`; throws naming each job without exactly one handler. */
export function handlerTable(handlers: readonly AnyJobHandler[], names: readonly JobName[]): ReadonlyMap<JobName, AnyJobHandler> {
  const problems: string[] = [];
  for (const name of names) {
    const count = handlers.filter((h) => h.job === name).length;
    if (count === 0) problems.push(`job "${name}" has no handler`);
    else if (count > 1) problems.push(`job "${name}" has ${count} handlers`);
  }
  for (const h of handlers) if (!names.includes(h.job)) problems.push(`a handler for "${h.job}", which is not in the job catalog`);
  if (problems.length > 0) throw new Error(`job catalog: ${problems.join('; ')}`);
  return new Map(handlers.map((h) => [h.job, h]));
}
