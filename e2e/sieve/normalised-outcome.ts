/**
 * The one form both sides of the differential test are reduced to: what happens to the
 * message, not how each implementation lists it. Keep and `fileinto "INBOX"` are the same
 * store; :copy shows as the implicit keep it preserves; discard is "no store and nothing
 * else"; a run-time error is the implicit keep into INBOX that RFC 5228 2.10.6 falls back to.
 */
export interface NormalisedStore {
  mailbox: string;
  /** lower-cased, sorted, without duplicates (IMAP flags and keywords are case-insensitive) */
  flags: string[];
}

export interface NormalisedVacation {
  /** whether a reply would go out (first time: no earlier reply to this sender is recorded) */
  sent: boolean;
  /** the rest only when sent */
  seconds?: number;
  subject?: string;
  reason?: string;
}

export interface NormalisedOutcome {
  error: boolean;
  stores: NormalisedStore[];
  redirects: string[];
  reject: { reason: string } | null;
  vacation: NormalisedVacation | null;
  /** how many `duplicate` tests ran, each to be recorded once delivery succeeds (RFC 7352 3) */
  duplicatesTracked: number;
  /** the stored message's header fields, `name: value` unfolded, for the editheader pairs */
  headers?: string[];
}

export function normaliseFlags(flags: Iterable<string>): string[] {
  return [...new Set([...flags].map((flag) => flag.toLowerCase()).filter((flag) => flag.length > 0))].sort();
}

/** Merges stores into the same mailbox (RFC 5228 4.2: keep + fileinto "INBOX" is one delivery) and sorts. */
export function normaliseStores(stores: NormalisedStore[]): NormalisedStore[] {
  const byMailbox = new Map<string, NormalisedStore>();
  for (const store of stores) {
    const key = store.mailbox.toUpperCase() === 'INBOX' ? 'INBOX' : store.mailbox;
    const existing = byMailbox.get(key);
    if (existing) existing.flags = normaliseFlags([...existing.flags, ...store.flags]);
    else byMailbox.set(key, { mailbox: key, flags: normaliseFlags(store.flags) });
  }
  return [...byMailbox.values()].sort((a, b) => (a.mailbox < b.mailbox ? -1 : a.mailbox > b.mailbox ? 1 : 0));
}

export function normaliseAddress(address: string): string {
  return address.replace(/^<|>$/g, '').trim().toLowerCase();
}

/** Unfolds a header block (RFC 5322 2.2.3) into `name: value` lines, names lower-cased. */
export function headerFields(raw: Buffer | string): string[] {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end < 0 ? text : text.slice(0, end);
  const fields: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += ` ${line.trim()}`;
    else if (line.length > 0) fields.push(line);
  }
  return fields.map((field) => {
    const colon = field.indexOf(':');
    if (colon < 0) return field;
    return `${field.slice(0, colon).trim().toLowerCase()}: ${field.slice(colon + 1).trim().replace(/\s+/g, ' ')}`;
  });
}
