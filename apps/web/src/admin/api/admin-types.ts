import type { z } from 'zod';
import type { aliasDto, auditDto, domainDto, mailingListDto, queueDto, userDto } from '@mailstead/contracts';

export type DomainRecord = z.infer<typeof domainDto>;
export type AliasRecord = z.infer<typeof aliasDto>;
export type AuditRecord = z.infer<typeof auditDto>;
export type MailingListRecord = z.infer<typeof mailingListDto>;

/** Extra user fields the console shows when the API reports them (app passwords, 2FA). */
export type UserRecord = z.infer<typeof userDto> & { appPasswords?: number; totpEnabled?: boolean };

/** One delivery attempt (host tried, result, remote reply), shown when the API sends the log. */
export interface QueueAttempt {
  at: string;
  host: string | null;
  result: string;
  response: string | null;
}
export type QueueRecord = z.infer<typeof queueDto> & { attemptLog?: QueueAttempt[] };
export type QueueStatus = QueueRecord['status'];

/**
 * GET /api/admin/stats, as far as the API provides it; every part is optional and the
 * dashboard shows what is there (the counts fall back to list totals).
 */
export interface AdminStats {
  domains?: number;
  users?: number;
  messagesToday?: { in: number; out: number };
  queue?: { deferred: number; failed: number };
  storageBytes?: number;
  /** Buckets (hour or day) of the last 7 days, oldest first. */
  traffic?: { at: string; in: number; out: number }[];
  topSenders?: { address: string; count: number }[];
  topRecipients?: { address: string; count: number }[];
}

/** GET /api/admin/domains/:id/dns: what to publish and, when checked, what DNS says now. */
export interface DnsRecordCheck {
  purpose: string;
  type: string;
  name: string;
  value: string;
  /** ok: published as expected; missing: nothing found; wrong: found something else; error: the lookup failed. */
  status?: 'ok' | 'missing' | 'wrong' | 'error';
  found?: string[];
  /** Why there is no value to publish yet (a domain without a DKIM key). */
  note?: string;
}
export interface DnsReport {
  records: DnsRecordCheck[];
  checkedAt?: string;
  /** MAILSTEAD_HOSTNAME, and why it cannot be published when it is localhost or not fully qualified. */
  hostname?: string;
  hostnameProblem?: string;
}

/** A message held for a moderated list. */
export interface ModerationItem {
  id: number;
  sender: string;
  subject?: string;
  preview?: string;
  createdAt: string;
  status?: 'pending' | 'approved' | 'rejected';
}
