import type { DnsListEntry } from '@mailstead/config';
import { ExpiringCache } from './dns-list-cache';
import { answerMeaning, domainQueryName, ipQueryName } from './dns-list-names';
import { isAbsent, TIMED_OUT, withinBound, type DnsListResolver } from './dns-list-resolver';

/** One list that listed the subject. */
export interface DnsListHit {
  zone: string;
  action: DnsListEntry['action'];
  score: number;
  /** the listed answer, e.g. 127.0.0.2 */
  answer: string;
  /** the IP or domain looked up */
  subject: string;
}

export interface DnsListLogger {
  warn(obj: object, msg: string): void;
}

/** What the cache keeps per query name: the answers that mean "listed" (none: not listed). */
type Cached = { listed: string[] };

/** Negative answers (NXDOMAIN) are kept this long: node:dns does not hand over the SOA minimum. */
const NEGATIVE_TTL_MS = 150_000;
/** No answer is kept longer than this, whatever its TTL. */
const MAX_TTL_MS = 3_600_000;

/**
 * DNS block- and allowlist lookups (RFC 5782) for a client IP or a domain: every list of one
 * check is queried at once, each bounded by `timeoutMs` (a list that has not answered by then
 * counts as not listing), and answers are cached in memory (TTL- and size-bounded) across
 * sessions and processes' sessions alike.
 */
export class DnsListChecker {
  private readonly cache: ExpiringCache<Cached>;

  constructor(
    private readonly options: { resolver: DnsListResolver; timeoutMs: number; cacheSize?: number; now?: () => number; logger?: DnsListLogger },
  ) {
    this.cache = new ExpiringCache<Cached>(options.cacheSize ?? 10_000, options.now);
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** The lists of `entries` that list the IP address. */
  checkIp(ip: string, entries: readonly DnsListEntry[]): Promise<DnsListHit[]> {
    return this.checkAll(entries, ip, (zone) => ipQueryName(ip, zone));
  }

  /** The lists of `entries` that list the domain (RHSBL). */
  checkDomain(domain: string, entries: readonly DnsListEntry[]): Promise<DnsListHit[]> {
    return this.checkAll(entries, domain.toLowerCase(), (zone) => domainQueryName(domain, zone));
  }

  private async checkAll(entries: readonly DnsListEntry[], subject: string, nameIn: (zone: string) => string | null): Promise<DnsListHit[]> {
    const results = await Promise.all(
      entries.map(async (entry) => {
        const name = nameIn(entry.zone);
        if (!name) return [];
        const listed = await this.lookup(name, entry.zone);
        return listed.slice(0, 1).map((answer) => ({ zone: entry.zone, action: entry.action, score: entry.score, answer, subject }));
      }),
    );
    return results.flat();
  }

  private async lookup(name: string, zone: string): Promise<string[]> {
    const cached = this.cache.get(name);
    if (cached) return cached.listed;
    const outcome = await withinBound(
      this.options.resolver.resolve4(name).then(
        (answers) => ({ answers }),
        (error: unknown) => ({ error }),
      ),
      this.options.timeoutMs,
    );
    if (outcome === TIMED_OUT) {
      this.options.logger?.warn({ zone, name, timeoutMs: this.options.timeoutMs }, 'DNS list did not answer in time: counted as not listed');
      return [];
    }
    if ('error' in outcome) {
      if (isAbsent(outcome.error)) this.cache.set(name, { listed: [] }, NEGATIVE_TTL_MS);
      else this.options.logger?.warn({ zone, name, err: (outcome.error as Error).message }, 'DNS list lookup failed: counted as not listed');
      return [];
    }
    const listed = outcome.answers.filter((a) => answerMeaning(a.address) === 'listed').map((a) => a.address);
    const refused = outcome.answers.filter((a) => answerMeaning(a.address) === 'error').map((a) => a.address);
    if (refused.length > 0) this.options.logger?.warn({ zone, name, answers: refused }, 'DNS list refused the query (127.255.255.x: do not use): counted as not listed');
    const ttl = Math.min(MAX_TTL_MS, Math.max(1, Math.min(...outcome.answers.map((a) => a.ttl))) * 1000);
    this.cache.set(name, { listed: refused.length > 0 && listed.length === 0 ? [] : listed }, refused.length > 0 ? Math.min(ttl, NEGATIVE_TTL_MS) : ttl);
    return listed;
  }
}
