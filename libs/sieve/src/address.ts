/** One mailbox of an address header, as the address test sees it (RFC 5228 5.1). */
export interface ParsedAddress {
  /** the addr-spec as written, or the whole entry when it could not be parsed */
  all: string;
  localpart: string | null;
  domain: string | null;
  /** false for an entry that is not a valid address: only :all can match it */
  valid: boolean;
}

/**
 * Splits an (RFC 2047 decoded) address header value into mailboxes: display names, comments,
 * quoted strings and groups (RFC 5322 3.4) are handled; group names themselves are no address.
 */
export function parseAddressList(value: string): ParsedAddress[] {
  const out: ParsedAddress[] = [];
  for (const entry of splitEntries(value)) {
    const spec = addrSpecOf(entry);
    if (spec === '') continue;
    out.push(splitAddress(spec));
  }
  return out;
}

export function splitAddress(spec: string): ParsedAddress {
  const at = spec.lastIndexOf('@');
  if (at <= 0 || at === spec.length - 1) return { all: spec, localpart: null, domain: null, valid: false };
  let local = spec.slice(0, at);
  if (local.startsWith('"') && local.endsWith('"') && local.length >= 2) local = local.slice(1, -1).replace(/\\(.)/g, '$1');
  return { all: spec, localpart: local, domain: spec.slice(at + 1), valid: true };
}

/** Top-level entries of an address list: commas outside quotes, comments and angle brackets; group syntax dropped. */
function splitEntries(value: string): string[] {
  const entries: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      cur += c;
      if (c === '\\' && i + 1 < value.length) cur += value[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue; // comments are dropped
    }
    if (c === '"') quoted = true;
    else if (c === '(') {
      depth = 1;
      continue;
    } else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (!angle && c === ':' && !cur.includes('<')) {
      // group name "undisclosed-recipients:" — the members follow
      cur = '';
      continue;
    } else if (!angle && (c === ',' || c === ';')) {
      entries.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  entries.push(cur);
  return entries.map((e) => e.trim()).filter((e) => e !== '');
}

function addrSpecOf(entry: string): string {
  const lt = entry.lastIndexOf('<');
  if (lt >= 0) {
    const gt = entry.indexOf('>', lt);
    const inner = entry.slice(lt + 1, gt < 0 ? undefined : gt).trim();
    // RFC 5322 4.4 obsolete route: <@a,@b:user@host>
    const colon = inner.startsWith('@') ? inner.indexOf(':') : -1;
    return (colon >= 0 ? inner.slice(colon + 1) : inner).trim();
  }
  return entry.replace(/\s+/g, '');
}

/** RFC 5233: user and detail split at the first "+" of the local part. */
export function subaddress(localpart: string, separator = '+'): { user: string; detail: string | null } {
  const i = localpart.indexOf(separator);
  if (i < 0) return { user: localpart, detail: null };
  return { user: localpart.slice(0, i), detail: localpart.slice(i + separator.length) };
}
