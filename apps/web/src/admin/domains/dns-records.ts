import type { DnsRecordCheck } from '../api/admin-types';

/**
 * The records a domain should publish so that mail reaches this server and is trusted,
 * computed from the domain and the server's host name when the API does not list them:
 * MX (RFC 5321 §5.1), SPF (RFC 7208), DMARC (RFC 7489 §6.1), client autoconfiguration
 * (Thunderbird autoconfig/autodiscover CNAMEs, RFC 6186 SRV records with RFC 8314 implicit TLS).
 * DKIM needs the domain's public key, which only the API knows.
 */
export function expectedDnsRecords(domain: string, mailHost: string): DnsRecordCheck[] {
  const host = mailHost.endsWith('.') ? mailHost : `${mailHost}.`;
  return [
    { purpose: 'Mail exchanger (MX)', type: 'MX', name: domain, value: `10 ${host}` },
    { purpose: 'SPF: who may send for the domain', type: 'TXT', name: domain, value: 'v=spf1 mx -all' },
    { purpose: 'DMARC policy', type: 'TXT', name: `_dmarc.${domain}`, value: `v=DMARC1; p=quarantine; rua=mailto:postmaster@${domain}` },
    { purpose: 'Thunderbird autoconfig', type: 'CNAME', name: `autoconfig.${domain}`, value: host },
    { purpose: 'Outlook autodiscover', type: 'CNAME', name: `autodiscover.${domain}`, value: host },
    { purpose: 'IMAP over TLS (RFC 6186)', type: 'SRV', name: `_imaps._tcp.${domain}`, value: `0 1 993 ${host}` },
    { purpose: 'Submission over TLS (RFC 8314)', type: 'SRV', name: `_submissions._tcp.${domain}`, value: `0 1 465 ${host}` },
  ];
}

/** A zone-file line for copying: `name. 3600 IN TYPE value` (TXT values quoted). */
export function zoneLine(record: DnsRecordCheck): string {
  const value = record.type === 'TXT' && !record.value.startsWith('"') ? `"${record.value}"` : record.value;
  return `${record.name}. 3600 IN ${record.type} ${value}`;
}
