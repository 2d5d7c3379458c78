import { createPublicKey } from 'node:crypto';
import { Resolver } from 'node:dns/promises';

export type DnsStatus = 'ok' | 'missing' | 'wrong' | 'error';

export interface ExpectedRecord {
  purpose: string;
  type: 'MX' | 'TXT' | 'CNAME' | 'SRV';
  name: string;
  value: string;
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
 * What a domain should publish for this server (host name `hostname`): MX (RFC 5321 5.1),
 * SPF (RFC 7208), DKIM (RFC 6376 3.6.1, when the domain has a key), DMARC (RFC 7489 6.1),
 * client autoconfiguration (Thunderbird autoconfig / Outlook autodiscover CNAMEs, and the
 * RFC 6186 SRV records for implicit TLS per RFC 8314).
 */
export function expectedRecords(domain: string, hostname: string, dkim: { selector: string; privateKey: string } | null): ExpectedRecord[] {
  const host = `${hostname.replace(/\.$/, '')}.`;
  const records: ExpectedRecord[] = [
    { purpose: 'Mail exchanger (MX)', type: 'MX', name: domain, value: `10 ${host}` },
    { purpose: 'SPF: who may send for the domain', type: 'TXT', name: domain, value: 'v=spf1 mx -all' },
  ];
  const p = dkim ? dkimPublicKey(dkim.privateKey) : null;
  if (dkim && p) records.push({ purpose: 'DKIM public key', type: 'TXT', name: `${dkim.selector}._domainkey.${domain}`, value: `v=DKIM1; k=rsa; p=${p}` });
  records.push(
    { purpose: 'DMARC policy', type: 'TXT', name: `_dmarc.${domain}`, value: `v=DMARC1; p=quarantine; rua=mailto:postmaster@${domain}` },
    { purpose: 'Thunderbird autoconfig', type: 'CNAME', name: `autoconfig.${domain}`, value: host },
    { purpose: 'Outlook autodiscover', type: 'CNAME', name: `autodiscover.${domain}`, value: host },
    { purpose: 'IMAP over TLS (RFC 6186)', type: 'SRV', name: `_imaps._tcp.${domain}`, value: `0 1 993 ${host}` },
    { purpose: 'Submission over TLS (RFC 8314)', type: 'SRV', name: `_submissions._tcp.${domain}`, value: `0 1 465 ${host}` },
  );
  return records;
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
