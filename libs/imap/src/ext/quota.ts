/**
 * QUOTA (RFC 9208) and APPENDLIMIT (RFC 7889) responses. Mailstead has one quota root per
 * account, named "" (RFC 9208 section 3.2 leaves root names to the server), covering all its
 * mailboxes. Usage comes from libs/store `ImapQuotaRepository.usage(accountId)`.
 */

/** CAPABILITY words for what Mailstead supports (RFC 9208 section 3.1, 5.1, 5.2). */
export const QUOTA_CAPABILITIES = ['QUOTA', 'QUOTA=RES-STORAGE', 'QUOTA=RES-MESSAGE'] as const;

/** The quota root every mailbox of an account belongs to. */
export const ACCOUNT_QUOTA_ROOT = '';

export interface QuotaUsageInput {
  storageBytes: bigint;
  /** null: no storage limit. */
  storageLimitBytes: bigint | null;
  messages: number;
  /** null: no message-count limit. */
  messageLimit: number | null;
}

export interface QuotaResource {
  name: 'STORAGE' | 'MESSAGE';
  usage: bigint;
  limit: bigint;
}

/**
 * The resources to list: only those with a limit (RFC 9208 section 4.1.1 lists "resource usage
 * limit" triples). STORAGE is in units of 1024 octets (section 5.1): usage rounds up so a
 * non-empty mailbox never shows 0, the limit rounds down so it is never overstated.
 */
export function quotaResources(input: QuotaUsageInput): QuotaResource[] {
  const out: QuotaResource[] = [];
  if (input.storageLimitBytes !== null) {
    out.push({ name: 'STORAGE', usage: (input.storageBytes + 1023n) / 1024n, limit: input.storageLimitBytes / 1024n });
  }
  if (input.messageLimit !== null) out.push({ name: 'MESSAGE', usage: BigInt(input.messages), limit: BigInt(input.messageLimit) });
  return out;
}

function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `* QUOTA "" (STORAGE 10 512 MESSAGE 3 1000)` (RFC 9208 section 7.1). */
export function formatQuota(root: string, resources: readonly QuotaResource[]): string {
  return `* QUOTA ${quoted(root)} (${resources.map((r) => `${r.name} ${r.usage} ${r.limit}`).join(' ')})`;
}

/**
 * `* QUOTAROOT INBOX ""` (RFC 9208 section 7.2). `encodedMailbox` is the mailbox name already
 * encoded by the response writer (astring, modified UTF-7 unless UTF8=ACCEPT).
 */
export function formatQuotaRoot(encodedMailbox: string, roots: readonly string[] = [ACCOUNT_QUOTA_ROOT]): string {
  return `* QUOTAROOT ${encodedMailbox}${roots.map((r) => ` ${quoted(r)}`).join('')}`;
}

/**
 * Which resource an APPEND of `addBytes` / `addMessages` would exceed, or null (RFC 9208
 * section 4.3 OVERQUOTA; answer `NO [OVERQUOTA] ...`). The store re-checks storage atomically;
 * this lets APPEND/MULTIAPPEND refuse before reading literals.
 */
export function exceededResource(input: QuotaUsageInput, addBytes: bigint, addMessages: number): 'STORAGE' | 'MESSAGE' | null {
  if (input.storageLimitBytes !== null && input.storageBytes + addBytes > input.storageLimitBytes) return 'STORAGE';
  if (input.messageLimit !== null && input.messages + addMessages > input.messageLimit) return 'MESSAGE';
  return null;
}

/**
 * APPENDLIMIT (RFC 7889 section 3): the largest message APPEND accepts. The server-wide
 * `APPENDLIMIT=<n>` capability uses the configured maximum message size.
 */
export function appendLimitCapability(maxMessageSize: number): string {
  return `APPENDLIMIT=${maxMessageSize}`;
}
