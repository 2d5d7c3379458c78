import { Resolver } from 'node:dns/promises';

/** The lookups the DNS lists and FCrDNS need; `dnsListResolver` builds them on node:dns, tests may fake them. */
export interface DnsListResolver {
  /** A records with their TTLs (seconds); rejects (code ENOTFOUND / ENODATA) when there are none */
  resolve4(name: string): Promise<{ address: string; ttl: number }[]>;
  resolve6(name: string): Promise<{ address: string; ttl: number }[]>;
  /** PTR names of an address */
  reverse(ip: string): Promise<string[]>;
}

/** node:dns through MAILSTEAD_DNS_SERVERS (as MX lookups use them; empty: the system's), one try per query. */
export function dnsListResolver(servers: string[], timeoutMs: number): DnsListResolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (servers.length > 0) resolver.setServers(servers);
  return {
    resolve4: (name) => resolver.resolve4(name, { ttl: true }),
    resolve6: (name) => resolver.resolve6(name, { ttl: true }),
    reverse: (ip) => resolver.reverse(ip),
  };
}

export const TIMED_OUT = Symbol('timed out');

/** `work`, or TIMED_OUT once `ms` have passed (the timer never keeps the process alive). */
export function withinBound<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
    timer.unref();
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

/** "does not exist" / "no record of this type" (RFC 2308 NXDOMAIN / NODATA) from node:dns. */
export function isAbsent(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ENOTFOUND' || code === 'ENODATA';
}
