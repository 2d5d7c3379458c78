import type { DnsListEntry } from '@mailstead/config';
import type { DnsListChecker, DnsListHit, NetworkList } from '@mailstead/spam';
import { addSymbol, type ClientInfo, type DeliveryStep, type Envelope } from '../delivery-step';
import { smtpReply } from '../smtp-reply';

export interface DnsListSettings {
  checker: DnsListChecker;
  /** MAILSTEAD_TRUSTED_NETWORKS: not looked up */
  trusted: NetworkList;
  /** MAILSTEAD_DNSBL: lists for the client IP */
  dnsbl: readonly DnsListEntry[];
  /** MAILSTEAD_DNSBL_DOMAINS: lists for the HELO name and the MAIL FROM domain */
  dnsblDomains: readonly DnsListEntry[];
  /** MAILSTEAD_DNSWL: allowlists for the client IP */
  dnswl: readonly DnsListEntry[];
}

type DomainRole = 'helo' | 'sender';

/** One session's lookups, started as early as their subject is known and all running at once. */
interface SessionLookups {
  blocked: Promise<DnsListHit[]>;
  allowed: Promise<DnsListHit[]>;
  domains: Map<string, { role: DomainRole; hits: Promise<DnsListHit[]> }>;
}

const sessions = new WeakMap<ClientInfo, SessionLookups>();
const NONE: Promise<DnsListHit[]> = Promise.resolve([]);

/** Whether a DNS allowlist lists the session's client (greylisting skips such clients); false for trusted or unchecked sessions. */
export async function dnsAllowlisted(client: ClientInfo): Promise<boolean> {
  const lookups = sessions.get(client);
  return lookups ? (await lookups.allowed).length > 0 : false;
}

const symbolName = (prefix: string, zone: string) => `${prefix}_${zone.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

/**
 * DNS block- and allowlists (RFC 5782) on the MX. The client IP's lookups start at connect and
 * the HELO name's and MAIL FROM domain's at MAIL FROM, all in parallel and each bounded by
 * MAILSTEAD_DNSBL_TIMEOUT, so waiting for them at RCPT never takes longer than that bound. A
 * `reject` list refuses each recipient with 554 5.7.1 naming the list: at RCPT rather than at
 * connect, as Postfix's smtpd does with smtpd_delay_reject=yes (its default) and postscreen
 * does after the client's first RCPT, because clients that are refused at connect or HELO often
 * reconnect at once, and the log then names sender and recipient. A client on a DNS allowlist is
 * never refused by a blocklist. `score` hits become symbols on the message (MessageUnderCheck.symbols).
 */
export function dnsListsStep(settings: DnsListSettings): DeliveryStep {
  const { checker } = settings;
  const lookupsOf = (client: ClientInfo): SessionLookups | null => {
    if (settings.trusted.contains(client.ip)) return null;
    let lookups = sessions.get(client);
    if (!lookups) {
      lookups = {
        blocked: settings.dnsbl.length > 0 ? checker.checkIp(client.ip, settings.dnsbl) : NONE,
        allowed: settings.dnswl.length > 0 ? checker.checkIp(client.ip, settings.dnswl) : NONE,
        domains: new Map(),
      };
      sessions.set(client, lookups);
    }
    return lookups;
  };
  const startDomainLookups = (envelope: Envelope, lookups: SessionLookups) => {
    if (settings.dnsblDomains.length === 0) return;
    const helo = envelope.client!.helo.toLowerCase();
    const senderDomain = envelope.sender.includes('@') ? envelope.sender.slice(envelope.sender.lastIndexOf('@') + 1).toLowerCase() : '';
    for (const [domain, role] of [[helo, 'helo'], [senderDomain, 'sender']] as const) {
      if (domain && !domain.startsWith('[') && !lookups.domains.has(domain)) lookups.domains.set(domain, { role, hits: checker.checkDomain(domain, settings.dnsblDomains) });
    }
  };
  return {
    name: 'dns-lists',
    sources: ['mx'],
    async connect(client) {
      lookupsOf(client);
      return undefined;
    },
    async sender(envelope) {
      const lookups = envelope.client && lookupsOf(envelope.client);
      if (lookups) startDomainLookups(envelope, lookups);
      return undefined;
    },
    async recipient(envelope) {
      const lookups = envelope.client && lookupsOf(envelope.client);
      if (!lookups) return undefined;
      startDomainLookups(envelope, lookups);
      const [blocked, allowed] = await Promise.all([lookups.blocked, lookups.allowed]);
      if (allowed.length > 0) return undefined;
      const ipHit = blocked.find((h) => h.action === 'reject');
      // RFC 5782 2.1; the wording is Postfix's default_rbl_reply
      if (ipHit) return smtpReply(554, '5.7.1', `Service unavailable; client [${ipHit.subject}] blocked using ${ipHit.zone}`);
      for (const [domain, { role, hits }] of lookups.domains) {
        const hit = (await hits).find((h) => h.action === 'reject');
        if (hit) return smtpReply(554, '5.7.1', `Service unavailable; ${role === 'helo' ? 'helo name' : 'sender domain'} ${domain} blocked using ${hit.zone}`);
      }
      return undefined;
    },
    async message(message) {
      const client = message.envelope.client;
      const lookups = client && lookupsOf(client);
      if (!lookups) return undefined;
      const [blocked, allowed] = await Promise.all([lookups.blocked, lookups.allowed]);
      for (const hit of allowed) addSymbol(message, { name: symbolName('DNSWL', hit.zone), score: hit.score, detail: `${hit.subject} listed (${hit.answer})` });
      for (const hit of blocked) {
        if (hit.action === 'score') addSymbol(message, { name: symbolName('RBL', hit.zone), score: hit.score, detail: `${hit.subject} listed (${hit.answer})` });
      }
      for (const [domain, { role, hits }] of lookups.domains) {
        for (const hit of await hits) {
          if (hit.action === 'score') addSymbol(message, { name: symbolName('RHSBL', hit.zone), score: hit.score, detail: `${role} ${domain} listed (${hit.answer})` });
        }
      }
      return undefined;
    },
  };
}
