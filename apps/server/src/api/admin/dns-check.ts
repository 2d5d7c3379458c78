import { createPublicKey } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import type { ClientService, MailsteadConfig } from '@mailstead/config';

export type DnsStatus = 'ok' | 'missing' | 'wrong' | 'error';

export interface ExpectedRecord {
  purpose: string;
  type: 'MX' | 'TXT' | 'CNAME' | 'SRV';
  name: string;
  value: string;
  /** Why there is no value to publish yet (a domain without a DKIM key). */
  note?: string;
}

export interface CheckedRecord extends ExpectedRecord {
  status: DnsStatus;
  /** What DNS answered for this name and type (normalised to zone-file-like strings). */
  found: string[];
}

/** The public half of a domain's DKIM key as the p= value of its TXT record, or null. */
export function dkimPublicKey(privateKey: string): string | null {
  try {
    return createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
  } catch {
    return null;
  }
}

/**
 * Why `hostname` cannot be what other servers and mail clients are sent to (MX, SRV and CNAME
 * targets must be a host name in public DNS, RFC 5321 5.1 / RFC 2181 10.3), or undefined.
 */
export function hostnameProblem(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const why =
    host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.localdomain')
      ? 'names this machine only'
      : /^[\d.]+$/.test(host) || host.includes(':')
        ? 'is an IP address, not a host name'
        : !host.includes('.')
          ? 'is not a fully qualified name'
          : undefined;
  if (!why) return undefined;
  return `MAILSTEAD_HOSTNAME is "${hostname}", which ${why}: other servers and mail clients cannot reach this server by it. Set MAILSTEAD_HOSTNAME to the server's public name (e.g. mail.example.com, with an A/AAAA record) and restart; until then the MX, SRV and autoconfig records are not shown.`;
}

/** RFC 6186 service records, with the implicit-TLS ones preferred (RFC 8314 5.1), at the ports clients are told (MAILSTEAD_CLIENT_PORTS). */
const SERVICES: { service: ClientService; priority: number; purpose: string }[] = [
  { service: 'imaps', priority: 0, purpose: 'IMAP over TLS (RFC 6186)' },
  { service: 'imap', priority: 10, purpose: 'IMAP with STARTTLS (RFC 6186)' },
  { service: 'pop3s', priority: 0, purpose: 'POP3 over TLS (RFC 6186)' },
  { service: 'pop3', priority: 10, purpose: 'POP3 with STARTTLS (RFC 6186)' },
  { service: 'submissions', priority: 0, purpose: 'Submission over TLS (RFC 8314)' },
  { service: 'submission', priority: 10, purpose: 'Submission with STARTTLS (RFC 6186)' },
];

/** What the records name: the host (MAILSTEAD_HOSTNAME) and the ports mail clients are told. */
export type DnsServerIdentity = Pick<MailsteadConfig, 'hostname' | 'clientPorts'>;

/** Shown for a domain without a DKIM key: nothing to publish yet, so it reads as missing. */
export const NO_DKIM_KEY = 'This domain has no DKIM key yet: generate one here (or run "mailstead dkim generate <domain>"), then publish its record.';

/**
 * What a domain should publish for this server (host name `hostname`): MX (RFC 5321 5.1),
 * SPF (RFC 7208), DKIM (RFC 6376 3.6.1; without a key, a row with `note` and no value),
 * DMARC (RFC 7489 6.1), client autoconfiguration (Thunderbird autoconfig / Outlook
 * autodiscover CNAMEs, and the RFC 6186 SRV records). The records naming the host are left
 * out while the host name is not one others can use (see hostnameProblem).
 */
export function expectedRecords(domain: string, server: DnsServerIdentity, dkim: { selector: string; privateKey: string } | null): ExpectedRecord[] {
  const host = `${server.hostname.replace(/\.$/, '')}.`;
  const hosted = hostnameProblem(server.hostname) === undefined;
  const records: ExpectedRecord[] = [];
  if (hosted) records.push({ purpose: 'Mail exchanger (MX)', type: 'MX', name: domain, value: `10 ${host}` });
  records.push({ purpose: 'SPF: who may send for the domain', type: 'TXT', name: domain, value: 'v=spf1 mx -all' });
  const p = dkim ? dkimPublicKey(dkim.privateKey) : null;
  if (dkim && p) records.push({ purpose: 'DKIM public key', type: 'TXT', name: `${dkim.selector}._domainkey.${domain}`, value: `v=DKIM1; k=rsa; p=${p}` });
  else records.push({ purpose: 'DKIM public key', type: 'TXT', name: `<selector>._domainkey.${domain}`, value: '', note: NO_DKIM_KEY });
  records.push({ purpose: 'DMARC policy', type: 'TXT', name: `_dmarc.${domain}`, value: `v=DMARC1; p=quarantine; rua=mailto:postmaster@${domain}` });
  if (hosted) {
    records.push(
      { purpose: 'Thunderbird autoconfig', type: 'CNAME', name: `autoconfig.${domain}`, value: host },
      { purpose: 'Outlook autodiscover', type: 'CNAME', name: `autodiscover.${domain}`, value: host },
      ...SERVICES.map((s): ExpectedRecord => ({ purpose: s.purpose, type: 'SRV', name: `_${s.service}._tcp.${domain}`, value: `${s.priority} 1 ${server.clientPorts[s.service]} ${host}` })),
    );
  }
  return records;
}

/** GET /api/admin/domains/:id/dns: every record checked live, and the host name's problem if it has one. */
export async function domainDnsReport(
  domain: { name: string; dkimSelector: string | null; dkimPrivateKey: string | null },
  server: DnsServerIdentity,
  dns: DnsCheckLookups,
): Promise<{ hostname: string; hostnameProblem?: string; records: CheckedRecord[]; checkedAt: string }> {
  const dkim = domain.dkimSelector && domain.dkimPrivateKey ? { selector: domain.dkimSelector, privateKey: domain.dkimPrivateKey } : null;
  const records = await checkRecords(expectedRecords(domain.name, server, dkim), dns);
  return { hostname: server.hostname, hostnameProblem: hostnameProblem(server.hostname), records, checkedAt: new Date().toISOString() };
}

/** The lookups the check needs; `dnsCheckResolver` builds them on node:dns. */
export interface DnsCheckLookups {
  mx(name: string): Promise<{ exchange: string; priority: number }[]>;
  txt(name: string): Promise<string[][]>;
  cname(name: string): Promise<string[]>;
  srv(name: string): Promise<{ priority: number; weight: number; port: number; name: string }[]>;
}

/** node:dns with the configured servers (MAILSTEAD_DNS_SERVERS, as libs/delivery uses them). */
export function dnsCheckResolver(servers: string[], timeoutMs = 2000): DnsCheckLookups {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (servers.length > 0) resolver.setServers(servers);
  return {
    mx: (name) => resolver.resolveMx(name),
    txt: (name) => resolver.resolveTxt(name),
    cname: (name) => resolver.resolveCname(name),
    srv: (name) => resolver.resolveSrv(name),
  };
}

const bare = (host: string) => host.toLowerCase().replace(/\.$/, '');
const squash = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();
/** "does not exist" / "no record of this type" (RFC 2308 NXDOMAIN / NODATA) from node:dns. */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA']);

/** The tag=value pairs of a DKIM/DMARC record (RFC 6376 3.2). */
function tags(record: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return out;
}

async function lookup(r: ExpectedRecord, dns: DnsCheckLookups): Promise<string[]> {
  switch (r.type) {
    case 'MX':
      return (await dns.mx(r.name)).sort((a, b) => a.priority - b.priority).map((m) => `${m.priority} ${bare(m.exchange)}.`);
    case 'TXT':
      // A TXT record may be split into several strings; they are one value (RFC 7208 3.3).
      return (await dns.txt(r.name)).map((chunks) => chunks.join(''));
    case 'CNAME':
      return (await dns.cname(r.name)).map((c) => `${bare(c)}.`);
    case 'SRV':
      return (await dns.srv(r.name)).map((s) => `${s.priority} ${s.weight} ${s.port} ${bare(s.name)}.`);
  }
}

/** Whether what DNS says for one record does what the expected record is for. */
function verdict(r: ExpectedRecord, found: string[]): DnsStatus {
  const host = bare(r.value.split(' ').at(-1)!);
  switch (r.type) {
    case 'MX':
      // Any preference will do, as long as this server is one of the exchangers.
      return found.some((f) => bare(f.split(' ')[1] ?? '') === host) ? 'ok' : 'wrong';
    case 'CNAME':
      return found.some((f) => bare(f) === host) ? 'ok' : 'wrong';
    case 'SRV': {
      const port = r.value.split(' ')[2];
      return found.some((f) => f.split(' ')[2] === port && bare(f.split(' ')[3] ?? '') === host) ? 'ok' : 'wrong';
    }
    case 'TXT': {
      if (r.name.includes('._domainkey.')) {
        const want = tags(r.value).get('p');
        const keys = found.filter((f) => tags(f).has('p'));
        if (keys.length === 0) return found.length === 0 ? 'missing' : 'wrong';
        return keys.some((f) => tags(f).get('p') === want) ? 'ok' : 'wrong';
      }
      if (r.value.startsWith('v=DMARC1')) {
        const dmarc = found.filter((f) => /^v\s*=\s*DMARC1/i.test(f));
        if (dmarc.length === 0) return 'missing';
        // RFC 7489 6.6.3: exactly one DMARC record, with a policy.
        return dmarc.length === 1 && tags(dmarc[0]!).has('p') ? 'ok' : 'wrong';
      }
      // SPF: the domain's one v=spf1 record (RFC 7208 4.5) must let this server send: the
      // suggested record, or one naming the mx mechanism or this host.
      const spf = found.filter((f) => /^v=spf1(\s|$)/i.test(f.trim()));
      if (spf.length === 0) return 'missing';
      if (spf.length > 1) return 'wrong';
      const terms = squash(spf[0]!).split(' ');
      return squash(spf[0]!) === squash(r.value) || terms.some((t) => /^[+]?mx(:|$)/.test(t) || t === `a:${host}` || t === `+a:${host}`) ? 'ok' : 'wrong';
    }
  }
}

/** Looks every record up (in parallel) and says per record whether DNS publishes it. */
export async function checkRecords(records: ExpectedRecord[], dns: DnsCheckLookups): Promise<CheckedRecord[]> {
  return Promise.all(
    records.map(async (r): Promise<CheckedRecord> => {
      if (r.note !== undefined) return { ...r, status: 'missing', found: [] };
      let found: string[];
      try {
        found = await lookup(r, dns);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (ABSENT.has(code)) return { ...r, status: 'missing', found: [] };
        return { ...r, status: 'error', found: [`lookup failed: ${code || (error as Error).message}`] };
      }
      if (found.length === 0) return { ...r, status: 'missing', found };
      return { ...r, status: verdict(r, found), found };
    }),
  );
}
