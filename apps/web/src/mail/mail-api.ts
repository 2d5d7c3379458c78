import type { ComposeRequest, MailboxDto, MessageDetailDto, MessagePage, ReplyDraft, ReplyMode, SessionInfo } from '@mailstead/contracts';
import { api, apiFile, uploadWithProgress } from '../shared/api-client';

/** The webmail's calls, one per contract route (libs/contracts routes.ts). */
export const mailApi = {
  mailboxes: () => api<MailboxDto[]>('GET', '/api/mailboxes'),
  createMailbox: (name: string) => api<MailboxDto>('POST', '/api/mailboxes', { body: { name } }),
  messages: (mailboxId: number, cursor?: string, signal?: AbortSignal, limit = 50, threads = false) =>
    api<MessagePage>('GET', `/api/mailboxes/${mailboxId}/messages`, { query: { limit, cursor, threads: threads ? 'true' : undefined }, signal }),
  search: (q: string, cursor?: string, signal?: AbortSignal, mailboxId?: number) =>
    api<MessagePage>('GET', '/api/search', { query: { q, cursor, mailboxId, limit: 50 }, signal }),
  /** `full`: the whole HTML body even when the server would clip it (MessageDetailDto.htmlClipped). */
  message: (id: string, options: { remoteImages?: boolean; markSeen?: boolean; full?: boolean } = {}, signal?: AbortSignal) =>
    api<MessageDetailDto>('GET', `/api/messages/${id}`, {
      query: {
        remoteImages: options.remoteImages ? 'true' : undefined,
        markSeen: options.markSeen ? 'true' : undefined,
        full: options.full ? 'true' : undefined,
      },
      signal,
    }),
  flags: (ids: string[], add: string[], remove: string[]) => api<{ count: number }>('POST', '/api/messages/flags', { body: { ids, add, remove } }),
  move: (ids: string[], mailboxId: number) => api<{ count: number }>('POST', '/api/messages/move', { body: { ids, mailboxId } }),
  delete: (ids: string[], permanent = false) => api<{ count: number }>('POST', '/api/messages/delete', { body: { ids, permanent } }),
  send: (request: ComposeRequest) =>
    api<{ messageIdHeader: string; sentId: string | null; localRecipients: number; remoteRecipients: number }>('POST', '/api/send', { body: request }),
  /** The compose form for a reply, reply-all or forward, built by the server (forwarded attachments already uploaded). */
  replyDraft: (id: string, mode: ReplyMode) => api<ReplyDraft>('GET', `/api/messages/${id}/reply`, { query: { mode } }),
  saveDraft: (request: ComposeRequest) => api<{ id: string; mailboxId: number }>('POST', '/api/drafts', { body: request }),
  upload: (file: File, onProgress: (fraction: number) => void, signal?: AbortSignal) =>
    uploadWithProgress<{ id: string; filename: string; contentType: string; size: number }>('/api/uploads', file, onProgress, signal),
  changePassword: (currentPassword: string, newPassword: string) => api<{ ok: true }>('POST', '/api/auth/password', { body: { currentPassword, newPassword } }),
  appPasswords: () => api<{ id: number; label: string; createdAt: string; lastUsedAt: string | null }[]>('GET', '/api/auth/app-passwords'),
  createAppPassword: (label: string) =>
    api<{ id: number; label: string; createdAt: string; lastUsedAt: string | null; password: string }>('POST', '/api/auth/app-passwords', { body: { label } }),
  revokeAppPassword: (id: number) => api<{ ok: true }>('DELETE', `/api/auth/app-passwords/${id}`),
  /** An Apple Mail profile (.mobileconfig) with a new app password in it. */
  appleProfile: () => apiFile('POST', '/api/client-setup/apple-profile'),
  updateProfile: (displayName: string) => api<SessionInfo>('PATCH', '/api/auth/profile', { body: { displayName } }),
  totpEnroll: () => api<{ secret: string; otpauthUrl: string; qrDataUrl: string }>('POST', '/api/auth/totp/enroll'),
  totpVerify: (code: string) => api<{ recoveryCodes: string[] }>('POST', '/api/auth/totp/verify', { body: { code } }),
  totpDisable: (password: string) => api<{ ok: true }>('POST', '/api/auth/totp/disable', { body: { password } }),
  /** The conversation of a message, oldest first (GET /api/messages/:id/thread). */
  thread: (id: string, signal?: AbortSignal) => api<MessagePage>('GET', `/api/messages/${id}/thread`, { signal }),
};
