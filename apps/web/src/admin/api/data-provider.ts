import simpleRestProvider from 'ra-data-simple-rest';
import type { CreateParams, DataProvider, RaRecord, UpdateParams } from 'react-admin';
import { httpClient } from './http-client';
import type { AdminStats, DnsReport, ModerationItem, QueueRecord } from './admin-types';

export const ADMIN_API = '/api/admin';

/** The fields each resource's create/update request accepts (libs/contracts admin.ts). */
const WRITABLE: Record<string, { create: readonly string[]; update: readonly string[] }> = {
  domains: { create: ['name'], update: ['enabled', 'requireTotp'] },
  users: { create: ['address', 'password', 'displayName', 'role', 'quotaBytes'], update: ['displayName', 'role', 'enabled', 'quotaBytes', 'password'] },
  aliases: { create: ['source', 'destinations'], update: ['destinations', 'enabled'] },
  lists: { create: ['address', 'name', 'policy', 'replyTo', 'subjectPrefix', 'members'], update: ['name', 'policy', 'replyTo', 'subjectPrefix', 'members'] },
};

/** List members travel as plain addresses; the list record carries `{ address, name }`. */
function memberAddresses(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((m: unknown) => (typeof m === 'object' && m !== null && 'address' in m ? (m as { address: string }).address : m));
}

function pickWritable(resource: string, kind: 'create' | 'update', data: Record<string, unknown>, previous?: Record<string, unknown>) {
  const fields = WRITABLE[resource]?.[kind];
  if (!fields) return data;
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (!(field in data) || data[field] === undefined) continue;
    let value: unknown = data[field];
    if (field === 'members') value = memberAddresses(value);
    if (typeof value === 'string' && value === '' && field !== 'password') value = field === 'subjectPrefix' || field === 'displayName' ? null : value;
    if (field === 'password' && (value === '' || value === null)) continue;
    if (previous && field in previous) {
      const before = field === 'members' ? memberAddresses(previous[field]) : previous[field];
      if (JSON.stringify(before) === JSON.stringify(value)) continue;
    }
    body[field] = value;
  }
  return body;
}

/** Only the fields the API accepts (and, on update, only the changed ones). */
export function toCreateBody(resource: string, data: Record<string, unknown>): Record<string, unknown> {
  return pickWritable(resource, 'create', data);
}
export function toUpdateBody(resource: string, data: Record<string, unknown>, previous?: Record<string, unknown>): Record<string, unknown> {
  return pickWritable(resource, 'update', data, previous);
}

export interface QueueBulkFilter {
  domain?: string;
  status?: string;
  sender?: string;
  olderThanHours?: number;
}

export interface AdminDataProvider extends DataProvider {
  stats(): Promise<AdminStats>;
  queueAction(id: string, action: 'retry' | 'bounce'): Promise<QueueRecord>;
  /** Destination domains whose delivery is paused; pause (admins) and resume (enqueues their due entries). */
  pausedDomains(): Promise<{ domain: string; pausedAt: string; reason: string | null }[]>;
  pauseDomain(domain: string, reason?: string): Promise<void>;
  resumeDomain(domain: string): Promise<{ enqueued: number }>;
  /** POST /api/admin/queue/bulk: one action on every entry a filter matches, done by the server. */
  queueBulk(action: 'retry' | 'bounce' | 'delete', filter: QueueBulkFilter): Promise<{ matched: number; done: number; failed: number }>;
  dns(domainId: number | string): Promise<DnsReport>;
  rotateDkim(domainId: number | string): Promise<DnsReport>;
  moderation(listId: number | string): Promise<ModerationItem[]>;
  /** One held post with its header block and full text. */
  moderationItem(listId: number | string, itemId: number): Promise<ModerationItem & { headers: string; text: string }>;
  moderate(listId: number | string, itemId: number, decision: 'approve' | 'reject', reason?: string): Promise<void>;
  /** POST /api/admin/lists/:id/members/:address/reset-bounces: clears the member's bounce count and re-enables it. */
  resetMemberBounces(listId: number | string, address: string): Promise<void>;
  resetTwoFactor(userId: number | string): Promise<void>;
  /** GET/POST/DELETE /api/admin/users/:id/senders: addresses the user may send as besides its own and its aliases'. */
  senderGrants(userId: number | string): Promise<string[]>;
  grantSender(userId: number | string, address: string): Promise<string[]>;
  revokeSender(userId: number | string, address: string): Promise<string[]>;
}

/**
 * ra-data-simple-rest on /api/admin (sort/range/filter query, Content-Range totals) with
 * create/update bodies reduced to what the API accepts, plus the console's own actions.
 */
export function createDataProvider(base = ADMIN_API): AdminDataProvider {
  const rest = simpleRestProvider(base, (url: string, options?: RequestInit) => httpClient(url, options ?? {}) as never);
  const post = async <T>(path: string, body?: unknown): Promise<T> =>
    (await httpClient<T>(`${base}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) })).json;
  return {
    ...rest,
    async create<R extends Omit<RaRecord, 'id'>>(resource: string, params: CreateParams<R>) {
      const { json } = await httpClient<R & { id: number | string }>(`${base}/${resource}`, {
        method: 'POST',
        body: JSON.stringify(toCreateBody(resource, params.data as Record<string, unknown>)),
      });
      return { data: json };
    },
    async update<R extends RaRecord>(resource: string, params: UpdateParams<R>) {
      const { json } = await httpClient<R>(`${base}/${resource}/${encodeURIComponent(String(params.id))}`, {
        method: 'PUT',
        body: JSON.stringify(toUpdateBody(resource, params.data as Record<string, unknown>, params.previousData as Record<string, unknown> | undefined)),
      });
      return { data: json };
    },
    async stats() {
      return (await httpClient<AdminStats>(`${base}/stats`)).json;
    },
    queueAction: (id, action) => post<QueueRecord>(`/queue/${encodeURIComponent(id)}/${action}`),
    queueBulk: (action, filter) => post(`/queue/bulk`, { action, filter }),
    async pausedDomains() {
      return (await httpClient<{ domain: string; pausedAt: string; reason: string | null }[]>(`${base}/queue/paused`)).json;
    },
    async pauseDomain(domain, reason) {
      await post(`/queue/paused`, reason ? { domain, reason } : { domain });
    },
    async resumeDomain(domain) {
      return (await httpClient<{ enqueued: number }>(`${base}/queue/paused/${encodeURIComponent(domain)}`, { method: 'DELETE' })).json;
    },
    async dns(domainId) {
      return (await httpClient<DnsReport>(`${base}/domains/${encodeURIComponent(String(domainId))}/dns`)).json;
    },
    rotateDkim: (domainId) => post<DnsReport>(`/domains/${encodeURIComponent(String(domainId))}/dkim`),
    async moderation(listId) {
      return (await httpClient<ModerationItem[]>(`${base}/lists/${encodeURIComponent(String(listId))}/moderation`)).json;
    },
    async moderationItem(listId, itemId) {
      return (await httpClient<ModerationItem & { headers: string; text: string }>(`${base}/lists/${encodeURIComponent(String(listId))}/moderation/${itemId}`)).json;
    },
    async moderate(listId, itemId, decision, reason) {
      await post(`/lists/${encodeURIComponent(String(listId))}/moderation/${itemId}/${decision}`, decision === 'reject' ? { reason: reason ?? '' } : {});
    },
    async resetTwoFactor(userId) {
      await post(`/users/${encodeURIComponent(String(userId))}/reset-2fa`);
    },
    async senderGrants(userId) {
      return (await httpClient<{ addresses: string[] }>(`${base}/users/${encodeURIComponent(String(userId))}/senders`)).json.addresses;
    },
    grantSender: async (userId, address) => (await post<{ addresses: string[] }>(`/users/${encodeURIComponent(String(userId))}/senders`, { address })).addresses,
    async revokeSender(userId, address) {
      const url = `${base}/users/${encodeURIComponent(String(userId))}/senders/${encodeURIComponent(address)}`;
      return (await httpClient<{ addresses: string[] }>(url, { method: 'DELETE' })).json.addresses;
    },
    async resetMemberBounces(listId, address) {
      await post(`/lists/${encodeURIComponent(String(listId))}/members/${encodeURIComponent(address)}/reset-bounces`);
    },
  };
}
