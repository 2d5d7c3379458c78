/** The sender-authentication verdict as our own Authentication-Results field states it (RFC 8601). */
export interface AuthVerdict {
  spf: string | null;
  /** one result per signature checked */
  dkim: string[];
  dmarc: string | null;
}

export const NO_AUTH_VERDICT: AuthVerdict = { spf: null, dkim: [], dmarc: null };

/** Removes RFC 5322 comments, which may hold "=" and ";" (mailauth explains each result in one). */
function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (depth > 0 || quoted)) {
      i++;
      continue;
    }
    if (c === '"' && depth === 0) quoted = !quoted;
    else if (c === '(' && !quoted) depth++;
    else if (c === ')' && !quoted && depth > 0) {
      depth--;
      continue;
    }
    if (depth === 0) out += c;
  }
  return out;
}

/**
 * The results in the Authentication-Results fields our host wrote (RFC 8601 2.2: authserv-id
 * first, then `method=result` clauses separated by ";"). Fields of other hosts are not ours to
 * believe and are ignored.
 */
export function authVerdict(fieldValues: readonly string[], hostname: string): AuthVerdict {
  const verdict: AuthVerdict = { spf: null, dkim: [], dmarc: null };
  const id = hostname.toLowerCase();
  for (const raw of fieldValues) {
    const clauses = withoutComments(raw).split(';').map((c) => c.trim());
    const authserv = (clauses.shift() ?? '').split(/\s+/)[0]!.toLowerCase();
    if (authserv !== id) continue;
    for (const clause of clauses) {
      const m = /^([a-z0-9-]+)\s*=\s*([a-z]+)/i.exec(clause);
      if (!m) continue;
      const method = m[1]!.toLowerCase();
      const result = m[2]!.toLowerCase();
      if (method === 'spf') verdict.spf ??= result;
      else if (method === 'dkim') verdict.dkim.push(result);
      else if (method === 'dmarc') verdict.dmarc ??= result;
    }
  }
  return verdict;
}
