import { Resolver } from 'node:dns/promises';
import type { DeliveryConfig } from '@mailstead/config';

/** One place to connect to for a delivery attempt. */
export interface DeliveryHost {
  /** Host name (MX exchange or relay): TLS server name and what the logs and DSNs say. */
  name: string;
  /** IP address to connect to (resolved through our resolver), or a host name for relays. */
  address: string;
  port: number;
  /** Implicit TLS (smtps://) instead of opportunistic STARTTLS. */
  secure: boolean;
  auth?: { user: string; pass: string };
}

export type Route =
  | { kind: 'hosts'; hosts: DeliveryHost[]; via: 'mx' | 'implicit-mx' | 'relay' }
  /** No attempt is possible: permanent (bounce now) or temporary (DNS trouble: retry later). */
  | { kind: 'fail'; permanent: boolean; status: string; reason: string };

/** The lookups routing needs; `dnsLookups` builds them on node:dns with configurable servers. */
export interface DnsLookups {
  mx(domain: string): Promise<{ exchange: string; priority: number }[]>;
  addresses(host: string): Promise<string[]>;
}

/** DNS error codes from node:dns that mean "this name does not exist" / "no record of this type". */
const NXDOMAIN = new Set(['ENOTFOUND']);
const NODATA = new Set(['ENODATA']);

export function dnsLookups(servers: string[], timeoutMs = 3000): DnsLookups {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length > 0) resolver.setServers(servers);
  return {
    mx: (domain) => resolver.resolveMx(domain),
    async addresses(host) {
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
      const found = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
      if (found.length > 0) return found;
      // Both failed: surface the more telling error (NXDOMAIN wins over NODATA).
      const errors = [v4, v6].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as NodeJS.ErrnoException);
      const nx = errors.find((e) => NXDOMAIN.has(e.code ?? ''));
      if (nx) throw nx;
      const other = errors.find((e) => !NODATA.has(e.code ?? ''));
      if (other) throw other;
      return [];
    },
  };
}

/** Parses smtp://user:pass@host:port or smtps://host into a relay host. */
export function parseRelayUrl(url: string): DeliveryHost {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  if (!secure && u.protocol !== 'smtp:') throw new Error(`relay "${url}" must be smtp:// or smtps://`);
  const host: DeliveryHost = { name: u.hostname, address: u.hostname, port: u.port ? Number(u.port) : secure ? 465 : 25, secure };
  if (u.username) host.auth = { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) };
  return host;
}

function normalizeHost(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Sorts MX records by preference, shuffling equal preferences (RFC 5321 5.1: spread the load). */
export function orderMx<T extends { priority: number }>(records: T[], random = Math.random): T[] {
  const keyed = records.map((r) => ({ r, tie: random() }));
  keyed.sort((a, b) => a.r.priority - b.r.priority || a.tie - b.tie);
  return keyed.map((k) => k.r);
}

/**
 * Where to deliver mail for `domain` (docs/architecture.md, RFC 5321 5.1):
 * transport rule for the domain, else the smarthost, else MX records sorted by preference
 * (ties shuffled) with each exchange resolved to addresses; no MX -> the domain's own A/AAAA
 * (implicit MX); NXDOMAIN or a null MX (RFC 7505) -> permanent failure. When our own host
 * name is among the MX hosts, only strictly more preferred hosts are kept; none -> loop.
 */
export async function resolveRoute(domain: string, config: DeliveryConfig, ourHostname: string, dns: DnsLookups): Promise<Route> {
  const target = normalizeHost(domain);
  const rule = config.transportRules[target] ?? config.smarthost;
  if (rule) return { kind: 'hosts', hosts: [parseRelayUrl(rule)], via: 'relay' };

  let records: { exchange: string; priority: number }[];
  try {
    records = await dns.mx(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (NXDOMAIN.has(code)) return { kind: 'fail', permanent: true, status: '5.1.2', reason: `domain ${target} does not exist (NXDOMAIN)` };
    if (!NODATA.has(code)) return { kind: 'fail', permanent: false, status: '4.4.3', reason: `MX lookup for ${target} failed: ${code || String(error)}` };
    records = [];
  }

  if (records.length === 0) {
    // RFC 5321 5.1: no MX records -> the domain itself is the implicit MX.
    try {
      const addresses = await dns.addresses(target);
      if (addresses.length === 0) return { kind: 'fail', permanent: true, status: '5.1.2', reason: `domain ${target} has no MX and no A/AAAA records` };
      return { kind: 'hosts', via: 'implicit-mx', hosts: addresses.map((address) => ({ name: target, address, port: config.port, secure: false })) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (NXDOMAIN.has(code)) return { kind: 'fail', permanent: true, status: '5.1.2', reason: `domain ${target} does not exist (NXDOMAIN)` };
      return { kind: 'fail', permanent: false, status: '4.4.3', reason: `address lookup for ${target} failed: ${code || String(error)}` };
    }
  }

  // RFC 7505 3: a single MX with an empty exchange (".") says the domain accepts no mail.
  if (records.some((r) => normalizeHost(r.exchange) === '')) {
    return { kind: 'fail', permanent: true, status: '5.1.10', reason: `domain ${target} accepts no mail (null MX, RFC 7505)` };
  }

  let ordered = orderMx(records);
  const self = normalizeHost(ourHostname);
  const ours = ordered.find((r) => normalizeHost(r.exchange) === self);
  if (ours) {
    // RFC 5321 5.1: drop ourselves and every host not strictly more preferred than us.
    ordered = ordered.filter((r) => r.priority < ours.priority);
    if (ordered.length === 0) return { kind: 'fail', permanent: true, status: '5.4.6', reason: `mail for ${target} loops back to myself (${self} is its best MX)` };
  }

  const hosts: DeliveryHost[] = [];
  let lastError = '';
  for (const mx of ordered) {
    const name = normalizeHost(mx.exchange);
    try {
      for (const address of await dns.addresses(name)) hosts.push({ name, address, port: config.port, secure: false });
    } catch (error) {
      lastError = `${name}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    }
  }
  if (hosts.length === 0) return { kind: 'fail', permanent: false, status: '4.4.3', reason: `no address for any MX host of ${target}${lastError ? ` (${lastError})` : ''}` };
  return { kind: 'hosts', hosts, via: 'mx' };
}
