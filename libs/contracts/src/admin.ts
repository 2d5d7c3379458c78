import { z } from 'zod';
import { accountRole } from './auth';

/**
 * react-admin ra-data-simple-rest list query: sort=["field","ASC"], range=[0,24],
 * filter={"q":"..."}; the answer carries `Content-Range: <resource> 0-24/319`.
 */
export const listQuery = z.object({
  sort: z.string().max(200).optional(),
  range: z.string().max(100).optional(),
  filter: z.string().max(2000).optional(),
});

export const domainDto = z.object({ id: z.number().int(), name: z.string(), enabled: z.boolean(), accounts: z.number().int(), aliases: z.number().int(), lists: z.number().int(), createdAt: z.string() });
export const createDomainRequest = z.object({ name: z.string().trim().min(3).max(253) });
export const updateDomainRequest = z.object({ enabled: z.boolean().optional() });

export const userDto = z.object({
  id: z.number().int(),
  address: z.string(),
  domain: z.string(),
  displayName: z.string().nullable(),
  role: accountRole,
  enabled: z.boolean(),
  quotaBytes: z.number(),
  usedBytes: z.number(),
  createdAt: z.string(),
});
export const createUserRequest = z.object({
  address: z.string().trim().email().max(320),
  password: z.string().min(8, 'password must be at least 8 characters').max(1024),
  displayName: z.string().max(200).nullable().optional(),
  role: accountRole.default('user'),
  quotaBytes: z.number().int().min(0).optional(),
});
export const updateUserRequest = z.object({
  displayName: z.string().max(200).nullable().optional(),
  role: accountRole.optional(),
  enabled: z.boolean().optional(),
  quotaBytes: z.number().int().min(0).optional(),
  password: z.string().min(8, 'password must be at least 8 characters').max(1024).optional(),
});

export const aliasDto = z.object({ id: z.number().int(), source: z.string(), destinations: z.array(z.string()), enabled: z.boolean(), createdAt: z.string() });
export const createAliasRequest = z.object({ source: z.string().trim().min(3).max(320), destinations: z.array(z.string().trim().email()).min(1).max(100) });
export const updateAliasRequest = z.object({ destinations: z.array(z.string().trim().email()).min(1).max(100).optional(), enabled: z.boolean().optional() });

export const listPolicy = z.enum(['open', 'members', 'moderated']);
export const mailingListDto = z.object({
  id: z.number().int(),
  address: z.string(),
  name: z.string(),
  policy: listPolicy,
  replyTo: z.enum(['list', 'sender']),
  subjectPrefix: z.string().nullable(),
  members: z.array(z.object({ address: z.string(), name: z.string().nullable() })),
  createdAt: z.string(),
});
export const createListRequest = z.object({
  address: z.string().trim().email().max(320),
  name: z.string().trim().max(200).optional(),
  policy: listPolicy.default('members'),
  replyTo: z.enum(['list', 'sender']).default('list'),
  subjectPrefix: z.string().max(100).nullable().optional(),
  members: z.array(z.string().trim().email()).max(10_000).default([]),
});
export const updateListRequest = createListRequest.omit({ address: true }).partial();

export const queueDto = z.object({
  id: z.string(),
  sender: z.string(),
  domain: z.string(),
  status: z.enum(['queued', 'sending', 'deferred', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  recipients: z.array(z.object({ address: z.string(), status: z.string(), response: z.string().nullable() })),
});

export const auditDto = z.object({ id: z.string(), at: z.string(), actor: z.string(), action: z.string(), target: z.string().nullable(), details: z.unknown(), ip: z.string().nullable() });
