import type { MailRule, RuleApplyRun, RuleEntry, RuleSetDto, RuleTestItem, VacationSettings } from '@mailstead/contracts';
import { api } from '../../shared/api-client';

/** The Rules and Vacation pages' calls (libs/contracts routes.ts, tag "rules"). */
export const rulesApi = {
  get: () => api<RuleSetDto>('GET', '/api/sieve/rules'),
  saveRules: (entries: RuleEntry[]) => api<RuleSetDto>('PUT', '/api/sieve/rules', { body: { entries } }),
  saveVacation: (vacation: VacationSettings | null) => api<RuleSetDto>('PUT', '/api/sieve/vacation', { body: { vacation } }),
  saveScript: (script: string) => api<RuleSetDto>('PUT', '/api/sieve/script', { body: { script } }),
  preview: (rule: MailRule, signal?: AbortSignal) => api<{ sieve: string }>('POST', '/api/sieve/preview', { body: { rule }, signal }),
  test: (mailboxId: number, limit: number, rule?: MailRule) => api<{ items: RuleTestItem[] }>('POST', '/api/sieve/test', { body: { mailboxId, limit, rule } }),
  apply: (mailboxId: number, rule?: MailRule) => api<RuleApplyRun>('POST', '/api/sieve/apply', { body: { mailboxId, rule } }),
  applyStatus: (id: string) => api<RuleApplyRun>('GET', `/api/sieve/apply/${encodeURIComponent(id)}`),
  undo: (id: string) => api<RuleApplyRun>('POST', `/api/sieve/apply/${encodeURIComponent(id)}/undo`),
};
