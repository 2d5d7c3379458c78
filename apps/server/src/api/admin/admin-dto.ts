import { createPublicKey } from 'node:crypto';

type DomainRow = { id: number; name: string; enabled: boolean; createdAt: Date; dkimSelector?: string | null; dkimPrivateKey?: string | null; _count: { accounts: number; aliases: number; mailingLists: number } };

export function domainDto(d: DomainRow) {
  return { id: d.id, name: d.name, enabled: d.enabled, accounts: d._count.accounts, aliases: d._count.aliases, lists: d._count.mailingLists, createdAt: d.createdAt.toISOString() };
}

/** The DNS records a domain should publish: MX, SPF, DMARC and (when it has a key) DKIM. */
export function suggestedDns(d: DomainRow, hostname: string) {
  const records = [
    { type: 'MX', name: d.name, value: `10 ${hostname}.` },
    { type: 'TXT', name: d.name, value: 'v=spf1 mx -all' },
    { type: 'TXT', name: `_dmarc.${d.name}`, value: `v=DMARC1; p=quarantine; rua=mailto:postmaster@${d.name}` },
  ];
  if (d.dkimPrivateKey && d.dkimSelector) {
    try {
      const spki = createPublicKey(d.dkimPrivateKey).export({ type: 'spki', format: 'der' }).toString('base64');
      records.push({ type: 'TXT', name: `${d.dkimSelector}._domainkey.${d.name}`, value: `v=DKIM1; k=rsa; p=${spki}` });
    } catch {
      // a key that does not parse gets no record; the delivery worker reports it
    }
  }
  return records;
}

export function userDto(u: { id: number; address: string; displayName: string | null; role: string; enabled: boolean; quotaBytes: bigint; usedBytes: bigint; createdAt: Date; domain: { name: string } }) {
  return {
    id: u.id,
    address: u.address,
    domain: u.domain.name,
    displayName: u.displayName,
    role: u.role,
    enabled: u.enabled,
    quotaBytes: Number(u.quotaBytes),
    usedBytes: Number(u.usedBytes),
    createdAt: u.createdAt.toISOString(),
  };
}

export function aliasDto(a: { id: number; source: string; destinations: string[]; enabled: boolean; createdAt: Date }) {
  return { id: a.id, source: a.source, destinations: a.destinations, enabled: a.enabled, createdAt: a.createdAt.toISOString() };
}

export function listDto(l: {
  id: number;
  address: string;
  name: string;
  policy: string;
  replyTo: string;
  subjectPrefix: string | null;
  createdAt: Date;
  members: { address: string; name: string | null }[];
}) {
  return {
    id: l.id,
    address: l.address,
    name: l.name,
    policy: l.policy,
    replyTo: l.replyTo,
    subjectPrefix: l.subjectPrefix,
    members: l.members.map((m) => ({ address: m.address, name: m.name })),
    createdAt: l.createdAt.toISOString(),
  };
}

export function queueDto(o: {
  id: bigint;
  sender: string;
  domain: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  recipients: { address: string; status: string; response: string | null }[];
}) {
  return {
    id: o.id.toString(),
    sender: o.sender,
    domain: o.domain,
    status: o.status,
    attempts: o.attempts,
    nextAttemptAt: o.nextAttemptAt.toISOString(),
    lastError: o.lastError,
    createdAt: o.createdAt.toISOString(),
    recipients: o.recipients,
  };
}

export function auditDto(a: { id: bigint; at: Date; actor: string; action: string; target: string | null; details: unknown; ip: string | null }) {
  return { id: a.id.toString(), at: a.at.toISOString(), actor: a.actor, action: a.action, target: a.target, details: a.details ?? null, ip: a.ip };
}
