import { z } from 'zod';
import { accountRole } from './auth';
import { newPassword } from './password-policy';

/**
 * react-admin ra-data-simple-rest list query: sort=["field","ASC"], range=[0,24],
 * filter={"q":"..."}; the answer carries `Content-Range: <resource> 0-24/319`.
 */
export const listQuery = z.object({
  sort: z.string().max(200).optional(),
  range: z.string().max(100).optional(),
  filter: z.string().max(2000).optional(),
});

export const domainDto = z.object({
  id: z.number().int(),
  name: z.string(),
  enabled: z.boolean(),
  /** Users of the domain must enrol TOTP before they can use the web API (sessionInfo.totpSetupRequired). */
  requireTotp: z.boolean(),
  accounts: z.number().int(),
  aliases: z.number().int(),
  lists: z.number().int(),
  createdAt: z.string(),
});
/** GET /api/admin/domains/:id adds the DNS records the domain should publish (not looked up). */
export const domainDetailDto = domainDto.extend({ dns: z.array(z.object({ type: z.string(), name: z.string(), value: z.string() })) });
export const createDomainRequest = z.object({ name: z.string().trim().min(3).max(253) });
export const updateDomainRequest = z.object({ enabled: z.boolean().optional(), requireTotp: z.boolean().optional() });

/**
 * GET /api/admin/domains/:id/dns: the records to publish and what DNS answers now for each
 * (looked up live through MAILSTEAD_DNS_SERVERS). POST /api/admin/domains/:id/dkim generates
 * a new DKIM key (rotating any old one: new selector) and answers the same report.
 */
export const dnsRecordCheck = z.object({
  purpose: z.string(),
  type: z.string(),
  name: z.string(),
  value: z.string(),
  /** ok: published as expected; missing: nothing found; wrong: found something else; error: the lookup failed. */
  status: z.enum(['ok', 'missing', 'wrong', 'error']),
  found: z.array(z.string()),
  /** Why there is no value to publish yet (a domain without a DKIM key). */
  note: z.string().optional(),
});
export const dnsReport = z.object({
  /** MAILSTEAD_HOSTNAME, which the MX, SRV and CNAME records name. */
  hostname: z.string(),
  /** Set when that name is not one others can reach (localhost, not fully qualified): those records are then left out. */
  hostnameProblem: z.string().optional(),
  records: z.array(dnsRecordCheck),
  checkedAt: z.string(),
});

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
  /** The account has a TOTP second factor (POST /api/admin/users/:id/reset-2fa removes it). */
  totpEnabled: z.boolean(),
  /** How many app passwords (IMAP/POP3/SMTP) the account has. */
  appPasswords: z.number().int(),
});
/**
 * DELETE /api/admin/users/:id removes the account with all its mailboxes and messages and
 * answers the user plus what went: `{ ...user, removed: { mailboxes, messages } }`. To keep
 * the mail, disable the account (PUT enabled=false) instead.
 */
export const userRemoved = userDto.extend({ removed: z.object({ mailboxes: z.number().int(), messages: z.number().int() }) });
export const createUserRequest = z.object({
  address: z.string().trim().email().max(320),
  password: newPassword,
  displayName: z.string().max(200).nullable().optional(),
  role: accountRole.default('user'),
  quotaBytes: z.number().int().min(0).optional(),
});
export const updateUserRequest = z.object({
  displayName: z.string().max(200).nullable().optional(),
  role: accountRole.optional(),
  enabled: z.boolean().optional(),
  quotaBytes: z.number().int().min(0).optional(),
  password: newPassword.optional(),
});

/**
 * Addresses an account may send as besides its own and its aliases' (SMTP MAIL FROM and From:,
 * the webmail's From), as an administrator granted them. Adding one it already has changes
 * nothing (idempotent, 200); a domain admin grants addresses of their own domains only.
 */
export const senderGrantsDto = z.object({ addresses: z.array(z.string()) });
export const senderGrantRequest = z.object({ address: z.string().trim().email().max(320) });

export const aliasDto = z.object({ id: z.number().int(), source: z.string(), destinations: z.array(z.string()), enabled: z.boolean(), createdAt: z.string() });
export const createAliasRequest = z.object({ source: z.string().trim().min(3).max(320), destinations: z.array(z.string().trim().email()).min(1).max(100) });
export const updateAliasRequest = z.object({ destinations: z.array(z.string().trim().email()).min(1).max(100).optional(), enabled: z.boolean().optional() });

export const listPolicy = z.enum(['open', 'members', 'moderated']);
/**
 * One member of a list with its bounce state: failures of list mail counted for it
 * (MAILSTEAD_LIST_BOUNCE_THRESHOLD), the last one, and when it was disabled for bouncing (a
 * disabled member stays on the list but gets no list mail until reset).
 */
export const listMemberDto = z.object({
  address: z.string(),
  name: z.string().nullable(),
  bounceCount: z.number().int(),
  lastBounceAt: z.string().nullable(),
  disabledAt: z.string().nullable(),
});
export const mailingListDto = z.object({
  id: z.number().int(),
  address: z.string(),
  name: z.string(),
  policy: listPolicy,
  replyTo: z.enum(['list', 'sender']),
  subjectPrefix: z.string().nullable(),
  members: z.array(listMemberDto),
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
/**
 * PUT /api/admin/lists/:id changes only the fields it is given (no defaults: a missing field
 * keeps its value); `members`, when given, is the whole new member list. `address` cannot
 * change: it may be sent as it is (a whole record), and a different one answers 400.
 */
export const updateListRequest = z.object({
  address: z.string().trim().max(320).optional(),
  name: z.string().trim().max(200).optional(),
  policy: listPolicy.optional(),
  replyTo: z.enum(['list', 'sender']).optional(),
  subjectPrefix: z.string().max(100).nullable().optional(),
  members: z.array(z.string().trim().email()).max(10_000).optional(),
});

/**
 * POST /api/admin/lists/:id/members/:address/reset-bounces: clears the member's bounce count
 * and re-enables it; answers the member as it is now.
 */
export const listMemberResetDto = listMemberDto.omit({ name: true });

/** GET /api/admin/lists/:id/moderation: posts held for a moderated list (pending first, at most 500). */
export const moderationItemDto = z.object({
  id: z.number().int(),
  sender: z.string(),
  subject: z.string(),
  preview: z.string(),
  size: z.number().int(),
  status: z.enum(['pending', 'approved', 'rejected']),
  reason: z.string().nullable(),
  createdAt: z.string(),
});
/** GET /api/admin/lists/:id/moderation/:itemId adds the message's text (and `raw` headers). */
export const moderationDetailDto = moderationItemDto.extend({ headers: z.string(), text: z.string() });
/** POST .../moderation/:itemId/reject; the sender is told, with the reason when given. */
export const moderationRejectRequest = z.object({ reason: z.string().trim().max(2000).optional() });

/** Only a queued or deferred entry has a next attempt; a delivered, failed or sending one has none to show. */
export const awaitsAttempt = (status: string): boolean => status === 'queued' || status === 'deferred';

export const queueDto = z.object({
  id: z.string(),
  sender: z.string(),
  domain: z.string(),
  status: z.enum(['queued', 'sending', 'deferred', 'delivered', 'failed']),
  attempts: z.number().int(),
  /** null unless the entry is queued or deferred (awaitsAttempt). */
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  recipients: z.array(z.object({ address: z.string(), status: z.string(), response: z.string().nullable() })),
});

/** GET /api/admin/queue/:id adds the attempt log (host tried, result, the remote's reply). */
export const queueDetailDto = queueDto.extend({
  size: z.number().int(),
  attemptLog: z.array(z.object({ at: z.string(), host: z.string().nullable(), result: z.string(), response: z.string().nullable() })),
});

/**
 * POST /api/admin/queue/bulk: one action on a selection (`ids`) or on every entry matching a
 * filter (destination `domain`, `status`, `sender`, queued more than `olderThanHours` ago),
 * at most 10,000 entries per call. retry enqueues at once; bounce tells the senders; delete drops.
 */
export const queueBulkRequest = z
  .object({
    action: z.enum(['retry', 'delete', 'bounce']),
    ids: z.array(z.string().regex(/^[1-9][0-9]{0,18}$/)).min(1).max(10_000).optional(),
    filter: z
      .object({
        domain: z.string().trim().min(1).max(253).optional(),
        status: z.enum(['queued', 'sending', 'deferred', 'delivered', 'failed']).optional(),
        sender: z.string().trim().max(320).optional(),
        olderThanHours: z.number().min(0).max(24 * 365).optional(),
      })
      .optional(),
  })
  .refine((v) => (v.ids === undefined) !== (v.filter === undefined), { message: 'give either ids or filter', path: ['ids'] });
/** POST /api/admin/queue/paused: stop delivery to a destination domain (entries wait); DELETE .../:domain resumes. */
export const pauseDomainRequest = z.object({ domain: z.string().trim().toLowerCase().min(1).max(253).regex(/^[a-z0-9.-]+$/, 'must be a domain name'), reason: z.string().trim().max(500).optional() });
export const pausedDomainDto = z.object({ domain: z.string(), pausedAt: z.string(), reason: z.string().nullable() });
export const queueBulkResult = z.object({ matched: z.number().int(), done: z.number().int(), failed: z.number().int() });

/**
 * GET /api/admin/stats (scoped to a domain admin's domains): counts, today's traffic, hourly
 * traffic of the last 7 days (168 buckets, oldest first), top senders and recipients (7 days).
 */
export const adminStatsDto = z.object({
  domains: z.number().int(),
  users: z.number().int(),
  messagesToday: z.object({ in: z.number().int(), out: z.number().int() }),
  queue: z.object({ queued: z.number().int(), deferred: z.number().int(), failed: z.number().int() }),
  storageBytes: z.number(),
  traffic: z.array(z.object({ at: z.string(), in: z.number().int(), out: z.number().int() })),
  topSenders: z.array(z.object({ address: z.string(), count: z.number().int() })),
  topRecipients: z.array(z.object({ address: z.string(), count: z.number().int() })),
});

export const auditDto = z.object({ id: z.string(), at: z.string(), actor: z.string(), action: z.string(), target: z.string().nullable(), details: z.unknown(), ip: z.string().nullable() });
