import type { OutboundDetail } from '@mailstead/store';
import { awaitsAttempt } from '@mailstead/contracts';
import { expectedRecords, type DnsServerIdentity } from './dns-check';

type DomainRow = { id: number; name: string; enabled: boolean; requireTotp: boolean; createdAt: Date; dkimSelector?: string | null; dkimPrivateKey?: string | null; _count: { accounts: number; aliases: number; mailingLists: number } };

export function domainDto(d: DomainRow) {
  return { id: d.id, name: d.name, enabled: d.enabled, requireTotp: d.requireTotp, accounts: d._count.accounts, aliases: d._count.aliases, lists: d._count.mailingLists, createdAt: d.createdAt.toISOString() };
}

/** The DNS records a domain should publish (see dns-check.ts), without looking them up. */
export function suggestedDns(d: DomainRow, server: DnsServerIdentity) {
  const dkim = d.dkimPrivateKey && d.dkimSelector ? { selector: d.dkimSelector, privateKey: d.dkimPrivateKey } : null;
  return expectedRecords(d.name, server, dkim)
    .filter((r) => r.note === undefined)
    .map(({ type, name, value }) => ({ type, name, value }));
}

export function userDto(u: {
  id: number;
  address: string;
  displayName: string | null;
  role: string;
  enabled: boolean;
  quotaBytes: bigint;
  usedBytes: bigint;
  createdAt: Date;
  totpSecret: string | null;
  domain: { name: string };
  _count: { appPasswords: number };
}) {
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
    totpEnabled: u.totpSecret !== null,
    appPasswords: u._count.appPasswords,
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
  members: { address: string; name: string | null; bounceCount: number; lastBounceAt: Date | null; disabledAt: Date | null }[];
}) {
  return {
    id: l.id,
    address: l.address,
    name: l.name,
    policy: l.policy,
    replyTo: l.replyTo,
    subjectPrefix: l.subjectPrefix,
    // With each member's bounce state (libs/contracts listMemberDto).
    members: l.members.map((m) => ({
      address: m.address,
      name: m.name,
      bounceCount: m.bounceCount,
      lastBounceAt: m.lastBounceAt?.toISOString() ?? null,
      disabledAt: m.disabledAt?.toISOString() ?? null,
    })),
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
    nextAttemptAt: awaitsAttempt(o.status) ? o.nextAttemptAt.toISOString() : null,
    lastError: o.lastError,
    createdAt: o.createdAt.toISOString(),
    recipients: o.recipients,
  };
}

/** The queue entry with its attempt log: which host, what happened, the remote's reply. */
export function queueDetailDto(o: OutboundDetail) {
  return {
    ...queueDto(o),
    size: o.size,
    attemptLog: o.attemptLog.map((a) => ({ at: a.at.toISOString(), host: a.host, result: a.result, response: a.response })),
  };
}

export function auditDto(a: { id: bigint; at: Date; actor: string; action: string; target: string | null; details: unknown; ip: string | null }) {
  return { id: a.id.toString(), at: a.at.toISOString(), actor: a.actor, action: a.action, target: a.target, details: a.details ?? null, ip: a.ip };
}
