import { z } from 'zod';
import { apiError } from './errors';
import { healthReport } from './health';
import {
  appPassword,
  changePasswordRequest,
  createAppPasswordRequest,
  createdAppPassword,
  loginRequest,
  ok,
  sessionInfo,
  totpDisableRequest,
  updateProfileRequest,
  totpEnabled,
  totpEnrollment,
  totpVerifyRequest,
} from './auth';
import {
  bulkResult,
  composeRequest,
  createMailboxRequest,
  deleteRequest,
  draftResult,
  flagsRequest,
  mailbox,
  messageDetail,
  messageDetailQuery,
  messageListQuery,
  messagePage,
  moveRequest,
  replyDraft,
  replyQuery,
  searchQuery,
  sendResult,
  updateMailboxRequest,
  uploadResult,
} from './webmail';
import {
  previewRuleRequest,
  previewRuleResult,
  ruleApplyRequest,
  ruleApplyRun,
  ruleSetDto,
  ruleTestRequest,
  ruleTestResult,
  saveRulesRequest,
  saveScriptRequest,
  saveVacationRequest,
} from './sieve-rules';
import { createSieveAdminScriptRequest, sieveAdminScriptDto, updateSieveAdminScriptRequest } from './admin-sieve';
import { quarantineList, quarantineRelease, spamSettingsDto, spamSettingsRequest } from './quarantine';
import {
  aliasDto,
  adminStatsDto,
  auditDto,
  createAliasRequest,
  createDomainRequest,
  createListRequest,
  createUserRequest,
  senderGrantRequest,
  senderGrantsDto,
  dnsReport,
  domainDetailDto,
  domainDto,
  listMemberResetDto,
  listQuery,
  mailingListDto,
  moderationDetailDto,
  moderationItemDto,
  moderationRejectRequest,
  pauseDomainRequest,
  pausedDomainDto,
  queueBulkRequest,
  queueBulkResult,
  queueDetailDto,
  queueDto,
  updateAliasRequest,
  updateDomainRequest,
  updateListRequest,
  updateUserRequest,
  userDto,
  userRemoved,
} from './admin';

/** One endpoint under /api, as published in the OpenAPI document (/api/docs). */
export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template, e.g. /api/messages/{id} */
  path: string;
  tag: string;
  summary: string;
  /** false: no session needed */
  auth?: boolean;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  /** Non-JSON answers (raw message, attachment, SSE). */
  produces?: string;
  /** The success status when it is not 200: 201 for a POST that creates a resource. */
  status?: 201;
}

/** `answers`: what GET of one row (`detail`) and DELETE (`removed`) answer when it is more than the row. */
const crud = (
  resource: string,
  tag: string,
  dto: z.ZodType,
  create: z.ZodType | undefined,
  update: z.ZodType | undefined,
  { detail = dto, removed = dto }: { detail?: z.ZodType; removed?: z.ZodType } = {},
): ApiRoute[] => [
  { method: 'get', path: `/api/admin/${resource}`, tag, summary: `List ${resource} (sort, range, filter; Content-Range header)`, query: listQuery, response: z.array(dto) },
  { method: 'get', path: `/api/admin/${resource}/{id}`, tag, summary: `One of ${resource}`, response: detail },
  ...(create ? [{ method: 'post' as const, path: `/api/admin/${resource}`, tag, summary: `Create in ${resource}`, body: create, response: dto, status: 201 as const }] : []),
  ...(update ? [{ method: 'put' as const, path: `/api/admin/${resource}/{id}`, tag, summary: `Update in ${resource}`, body: update, response: dto }] : []),
  { method: 'delete', path: `/api/admin/${resource}/{id}`, tag, summary: `Delete from ${resource}`, response: removed },
];

export const apiRoutes: ApiRoute[] = [
  { method: 'get', path: '/api/health', tag: 'system', summary: 'Health of Postgres, Redis and the roles of this process', auth: false, response: healthReport },
  {
    method: 'get',
    path: '/api/lists/unsubscribe/{token}',
    tag: 'lists',
    summary: "A list post's unsubscribe link opened in a browser: a page with a button (changes nothing)",
    auth: false,
    produces: 'text/html',
  },
  {
    method: 'post',
    path: '/api/lists/unsubscribe/{token}',
    tag: 'lists',
    summary: 'RFC 8058 one-click unsubscribe (body List-Unsubscribe=One-Click, form-encoded or multipart; no session or CSRF token, the signed token is the authority)',
    auth: false,
    response: z.object({ list: z.string(), member: z.string(), removed: z.boolean() }),
  },
  { method: 'post', path: '/api/auth/login', tag: 'auth', summary: 'Log in (sets the session and CSRF cookies)', auth: false, body: loginRequest, response: sessionInfo },
  { method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'Log out', response: ok },
  { method: 'get', path: '/api/auth/me', tag: 'auth', summary: 'The logged-in account and its CSRF token', response: sessionInfo },
  { method: 'post', path: '/api/auth/password', tag: 'auth', summary: 'Change the password (ends other sessions)', body: changePasswordRequest, response: ok },
  { method: 'patch', path: '/api/auth/profile', tag: 'auth', summary: 'Change the display name (the From name of webmail mail)', body: updateProfileRequest, response: sessionInfo },
  { method: 'get', path: '/api/auth/app-passwords', tag: 'auth', summary: 'App passwords for mail clients', response: z.array(appPassword) },
  { method: 'post', path: '/api/auth/app-passwords', tag: 'auth', summary: 'Create an app password (shown once)', body: createAppPasswordRequest, response: createdAppPassword, status: 201 },
  { method: 'delete', path: '/api/auth/app-passwords/{id}', tag: 'auth', summary: 'Revoke an app password', response: ok },
  { method: 'post', path: '/api/client-setup/apple-profile', tag: 'auth', summary: 'An Apple configuration profile (.mobileconfig) for Mail, with a new app password in it', produces: 'application/x-apple-aspen-config' },

  { method: 'post', path: '/api/auth/totp/enroll', tag: 'auth', summary: 'Start TOTP enrolment (secret and QR code)', response: totpEnrollment },
  { method: 'post', path: '/api/auth/totp/verify', tag: 'auth', summary: 'Confirm TOTP with a code; answers the recovery codes once', body: totpVerifyRequest, response: totpEnabled },
  { method: 'post', path: '/api/auth/totp/disable', tag: 'auth', summary: 'Turn TOTP off (needs the password)', body: totpDisableRequest, response: ok },

  { method: 'get', path: '/api/mailboxes', tag: 'mailboxes', summary: 'Mailboxes with unread/total counts', response: z.array(mailbox) },
  { method: 'post', path: '/api/mailboxes', tag: 'mailboxes', summary: 'Create a mailbox', body: createMailboxRequest, response: mailbox, status: 201 },
  { method: 'patch', path: '/api/mailboxes/{id}', tag: 'mailboxes', summary: 'Rename or (un)subscribe', body: updateMailboxRequest, response: mailbox },
  { method: 'delete', path: '/api/mailboxes/{id}', tag: 'mailboxes', summary: 'Delete a mailbox and its messages', response: ok },
  { method: 'get', path: '/api/mailboxes/{id}/messages', tag: 'messages', summary: 'Message list (cursor pagination, sort, filters, conversations)', query: messageListQuery, response: messagePage },
  { method: 'get', path: '/api/search', tag: 'messages', summary: 'Full-text search with from:/to:/subject:/has:attachment/before:/after:', query: searchQuery, response: messagePage },
  { method: 'get', path: '/api/messages/{id}', tag: 'messages', summary: 'Message detail with sanitized HTML', query: messageDetailQuery, response: messageDetail },
  { method: 'get', path: '/api/messages/{id}/thread', tag: 'messages', summary: 'The conversation of a message, oldest first (all folders but Trash/Junk)', response: messagePage },
  { method: 'get', path: '/api/messages/{id}/raw', tag: 'messages', summary: 'The raw message (.eml)', produces: 'message/rfc822' },
  { method: 'get', path: '/api/messages/{id}/attachments/{partId}', tag: 'messages', summary: 'One attachment, decoded', produces: 'application/octet-stream' },
  { method: 'post', path: '/api/messages/flags', tag: 'messages', summary: 'Add/remove flags and keywords in bulk', body: flagsRequest, response: bulkResult },
  { method: 'post', path: '/api/messages/move', tag: 'messages', summary: 'Move messages in bulk', body: moveRequest, response: bulkResult },
  { method: 'post', path: '/api/messages/copy', tag: 'messages', summary: 'Copy messages in bulk', body: moveRequest, response: bulkResult },
  { method: 'post', path: '/api/messages/delete', tag: 'messages', summary: 'Delete in bulk (to Trash; expunged when in Trash or permanent)', body: deleteRequest, response: bulkResult },
  { method: 'get', path: '/api/messages/{id}/reply', tag: 'compose', summary: 'A compose form for reply, reply-all or forward (quoted text, recipients, attachments)', query: replyQuery, response: replyDraft },
  { method: 'post', path: '/api/uploads', tag: 'compose', summary: 'Upload an attachment (multipart/form-data, field "file")', response: uploadResult, status: 201 },
  { method: 'post', path: '/api/send', tag: 'compose', summary: 'Send a message (copy to Sent, local and remote delivery)', body: composeRequest, response: sendResult },
  { method: 'post', path: '/api/drafts', tag: 'compose', summary: 'Save (or replace) a draft in Drafts', body: composeRequest, response: draftResult },
  { method: 'get', path: '/api/events', tag: 'events', summary: 'Server-Sent Events: mailbox changes of the logged-in account', produces: 'text/event-stream' },
  { method: 'get', path: '/api/quarantine', tag: 'quarantine', summary: 'Mail held as spam instead of delivered, with why (checks that fired, classifier probability)', response: quarantineList },
  { method: 'post', path: '/api/quarantine/{id}/release', tag: 'quarantine', summary: 'Deliver a held message into INBOX; the classifier learns it as not spam', response: quarantineRelease },
  { method: 'delete', path: '/api/quarantine/{id}', tag: 'quarantine', summary: 'Delete a held message', response: ok },
  { method: 'get', path: '/api/spam/settings', tag: 'quarantine', summary: "The account's spam thresholds (junk, quarantine, reject): its own and the ones in force", response: spamSettingsDto },
  { method: 'put', path: '/api/spam/settings', tag: 'quarantine', summary: "Set the account's own spam thresholds (null: the domain's or the server's)", body: spamSettingsRequest, response: spamSettingsDto },

  { method: 'get', path: '/api/sieve/rules', tag: 'rules', summary: "The active Sieve script with its rules, raw blocks and vacation settings", response: ruleSetDto },
  { method: 'put', path: '/api/sieve/rules', tag: 'rules', summary: 'Replace the rules (vacation and raw blocks kept); compiled, saved and activated (400 with line/column on a compile error)', body: saveRulesRequest, response: ruleSetDto },
  { method: 'put', path: '/api/sieve/vacation', tag: 'rules', summary: 'Set or remove the vacation auto-reply in the active script', body: saveVacationRequest, response: ruleSetDto },
  { method: 'put', path: '/api/sieve/script', tag: 'rules', summary: 'Replace the whole active script with raw Sieve (400 with line/column on a compile error)', body: saveScriptRequest, response: ruleSetDto },
  { method: 'post', path: '/api/sieve/preview', tag: 'rules', summary: 'The Sieve a rule becomes (nothing saved)', body: previewRuleRequest, response: previewRuleResult },
  { method: 'post', path: '/api/sieve/test', tag: 'rules', summary: 'Dry run of a rule, or of the saved script, over the newest messages of a folder', body: ruleTestRequest, response: ruleTestResult },
  { method: 'post', path: '/api/sieve/apply', tag: 'rules', summary: 'Run a rule (or the saved script) once over a folder in the background; answers the run to poll', body: ruleApplyRequest, response: ruleApplyRun, status: 201 },
  { method: 'get', path: '/api/sieve/apply/{id}', tag: 'rules', summary: 'Progress of an apply run', response: ruleApplyRun },
  { method: 'post', path: '/api/sieve/apply/{id}/undo', tag: 'rules', summary: "Revert an apply run's moves, copies and flag changes", response: ruleApplyRun },

  ...crud('domains', 'admin', domainDto, createDomainRequest, updateDomainRequest, { detail: domainDetailDto }),
  ...crud('users', 'admin', userDto, createUserRequest, updateUserRequest, { removed: userRemoved }),
  ...crud('aliases', 'admin', aliasDto, createAliasRequest, updateAliasRequest),
  ...crud('lists', 'admin', mailingListDto, createListRequest, updateListRequest),
  ...crud('sieve-scripts', 'admin', sieveAdminScriptDto, createSieveAdminScriptRequest, updateSieveAdminScriptRequest),
  { method: 'get', path: '/api/admin/queue', tag: 'admin', summary: 'Outbound queue (sort, range, filter)', query: listQuery, response: z.array(queueDto) },
  { method: 'get', path: '/api/admin/queue/{id}', tag: 'admin', summary: 'One outbound entry with its attempt log (remote replies)', response: queueDetailDto },
  { method: 'post', path: '/api/admin/queue/{id}/retry', tag: 'admin', summary: 'Make an outbound entry due now and put it on the delivery queue', response: queueDetailDto },
  { method: 'post', path: '/api/admin/queue/{id}/bounce', tag: 'admin', summary: 'Fail a waiting entry now; the sender gets a DSN', response: queueDetailDto },
  { method: 'get', path: '/api/admin/queue/paused', tag: 'admin', summary: 'Destination domains whose delivery is paused', response: z.array(pausedDomainDto) },
  { method: 'post', path: '/api/admin/queue/paused', tag: 'admin', summary: 'Pause delivery to a destination domain (admins)', body: pauseDomainRequest, response: ok },
  { method: 'delete', path: '/api/admin/queue/paused/{domain}', tag: 'admin', summary: 'Resume a paused domain; its due entries are enqueued', response: z.object({ ok: z.literal(true), enqueued: z.number() }) },
  { method: 'post', path: '/api/admin/queue/bulk', tag: 'admin', summary: 'Retry, delete or bounce a selection or every entry matching a filter', body: queueBulkRequest, response: queueBulkResult },
  { method: 'get', path: '/api/admin/domains/{id}/dns', tag: 'admin', summary: 'Records to publish and what DNS says now (per record ok/missing/wrong)', response: dnsReport },
  { method: 'post', path: '/api/admin/domains/{id}/dkim', tag: 'admin', summary: 'Generate or rotate the DKIM key (new selector)', response: dnsReport },
  { method: 'get', path: '/api/admin/lists/{id}/moderation', tag: 'admin', summary: 'Posts held for a moderated list', response: z.array(moderationItemDto) },
  { method: 'get', path: '/api/admin/lists/{id}/moderation/{itemId}', tag: 'admin', summary: 'One held post with its header and text', response: moderationDetailDto },
  { method: 'post', path: '/api/admin/lists/{id}/moderation/{itemId}/approve', tag: 'admin', summary: 'Send a held post to the list members', response: z.object({ ok: z.literal(true), delivered: z.number(), remote: z.number() }) },
  {
    method: 'post',
    path: '/api/admin/lists/{id}/members/{address}/reset-bounces',
    tag: 'admin',
    summary: "Clear a list member's bounce count and re-enable it (it gets list mail again)",
    response: listMemberResetDto,
  },
  { method: 'post', path: '/api/admin/lists/{id}/moderation/{itemId}/reject', tag: 'admin', summary: 'Reject a held post; the sender is told', body: moderationRejectRequest, response: ok },
  { method: 'post', path: '/api/admin/users/{id}/reset-2fa', tag: 'admin', summary: 'Remove a user\'s TOTP second factor (ends their sessions)', response: userDto },
  { method: 'get', path: '/api/admin/users/{id}/senders', tag: 'admin', summary: 'Addresses the user may send as that an administrator granted', response: senderGrantsDto },
  { method: 'post', path: '/api/admin/users/{id}/senders', tag: 'admin', summary: 'Let the user send as an address (idempotent: granting it again changes nothing)', body: senderGrantRequest, response: senderGrantsDto },
  { method: 'delete', path: '/api/admin/users/{id}/senders/{address}', tag: 'admin', summary: 'Take a granted sender address away (404 when it was not granted)', response: senderGrantsDto },
  { method: 'get', path: '/api/admin/stats', tag: 'admin', summary: 'Dashboard figures: counts, 7-day hourly traffic, top senders/recipients', response: adminStatsDto },
  { method: 'delete', path: '/api/admin/queue/{id}', tag: 'admin', summary: 'Delete an outbound entry', response: queueDto },
  { method: 'get', path: '/api/admin/audit', tag: 'admin', summary: 'Audit log (sort, range, filter)', query: listQuery, response: z.array(auditDto) },
];

export { apiError };
