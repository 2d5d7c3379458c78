import type { ListBounceAction, ListBounceResult, Store } from '@mailstead/store';

export interface ListBouncePolicy {
  /** Bounces per member before `action`; 0 = only count. */
  threshold: number;
  action: ListBounceAction;
}

/** One per-recipient group of a delivery-status report (RFC 3464 2.3). */
export interface ReportedRecipient {
  /** Final-Recipient address (the rfc822 type's value). */
  finalRecipient: string | null;
  /** Original-Recipient address, when the reporting MTA knew it. */
  originalRecipient: string | null;
  /** failed | delayed | delivered | relayed | expanded (lower case). */
  action: string;
  status: string | null;
}

/** "rfc822; Bob@Example.org" -> "Bob@Example.org" (RFC 3464 2.3.1/2.3.2, address-type ";" address). */
function addressField(value: string | undefined): string | null {
  if (!value) return null;
  const semi = value.indexOf(';');
  const type = semi >= 0 ? value.slice(0, semi).trim().toLowerCase() : 'rfc822';
  if (type !== 'rfc822' && type !== 'utf-8') return null;
  const address = (semi >= 0 ? value.slice(semi + 1) : value).trim().replace(/^<|>$/g, '');
  return address.includes('@') ? address : null;
}

/**
 * The per-recipient groups of every message/delivery-status part (RFC 3464 2.1) or
 * message/global-delivery-status part (RFC 6533 3) in a message, found leniently: wherever the
 * part is nested and whatever the boundary, its body runs from the blank line after its header
 * to the next boundary line. Never throws; a message without such a part gives [].
 */
export function parseDeliveryStatus(raw: Buffer): ReportedRecipient[] {
  const text = raw.toString('utf8');
  const out: ReportedRecipient[] = [];
  const partHeader = /^content-type:[ \t]*message\/(?:global-)?delivery-status\b/gim;
  for (let m = partHeader.exec(text); m; m = partHeader.exec(text)) {
    const bodyStart = text.slice(m.index).search(/\r?\n\r?\n/);
    if (bodyStart < 0) break;
    const from = m.index + bodyStart;
    const rest = text.slice(from);
    const end = rest.search(/\r?\n--[^\r\n]*\r?\n?/);
    const body = (end >= 0 ? rest.slice(0, end) : rest).replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ').trim();
    // The first group is per-message; the rest are per-recipient (RFC 3464 2.1).
    const groups = body.split(/\n\s*\n/).slice(1);
    for (const group of groups) {
      const fields = new Map<string, string>();
      for (const line of group.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const action = fields.get('action')?.toLowerCase();
      if (!action) continue;
      out.push({
        finalRecipient: addressField(fields.get('final-recipient')),
        originalRecipient: addressField(fields.get('original-recipient')),
        action,
        status: fields.get('status')?.split(/\s/)[0] ?? null,
      });
    }
    partHeader.lastIndex = from;
  }
  return out;
}

/** Logger subset used here. */
interface Log {
  info(obj: object, msg?: string): void;
}

/**
 * Counts one bounce for each failed address that is a member of the list (libs/store applies
 * the threshold: disable or remove). Addresses that are not direct members (nested list, alias)
 * are skipped. Returns what happened per counted member.
 */
export async function countListBounces(
  store: Store,
  list: { id: number; address: string },
  addresses: string[],
  policy: ListBouncePolicy,
  log?: Log,
): Promise<ListBounceResult[]> {
  const results: ListBounceResult[] = [];
  for (const address of new Set(addresses.map((a) => a.toLowerCase()))) {
    const result = await store.listBounces.recordBounce(list.id, address, policy);
    if (!result) continue;
    results.push(result);
    log?.info({ list: list.address, member: result.member, bounces: result.bounceCount, outcome: result.outcome }, 'list member bounce counted');
  }
  return results;
}

/**
 * A report that arrived at a list's bounce address (over SMTP): the failed recipients of its
 * delivery-status part count as bounces of those members. Delayed/delivered groups do not
 * count. A message that is not a DSN counts nothing (it is dropped: bounce addresses take no mail).
 */
export async function processListBounceReport(
  store: Store,
  list: { id: number; address: string },
  raw: Buffer,
  policy: ListBouncePolicy,
  log?: Log,
): Promise<ListBounceResult[]> {
  const failed = parseDeliveryStatus(raw).filter((r) => r.action === 'failed');
  const results: ListBounceResult[] = [];
  for (const r of failed) {
    // Final-Recipient first; the Original-Recipient when the member's address was rewritten.
    const candidates = [r.finalRecipient, r.originalRecipient].filter((a): a is string => a !== null);
    for (const candidate of candidates) {
      const counted = await countListBounces(store, list, [candidate], policy, log);
      if (counted.length > 0) {
        results.push(...counted);
        break;
      }
    }
  }
  return results;
}
