import { isIP } from 'node:net';
import { forwardConfirmedName, plainIp, type DnsListResolver, type FcrdnsResult, type NetworkList, type RateCounter } from '@mailstead/spam';
import { addSymbol, type ClientInfo, type DeliveryStep } from '../delivery-step';
import { smtpReply } from '../smtp-reply';

export interface SmtpHygieneSettings {
  /** our host name: a foreign client that says HELO with it claims to be us */
  hostname: string;
  trusted: NetworkList;
  /** reverse and forward lookups for FCrDNS, bounded by `timeoutMs` */
  resolver: DnsListResolver;
  timeoutMs: number;
  /** per-IP counters (windows of a minute) and their limits; 0 = no limit */
  rates?: { counter: RateCounter; connections: number; messages: number };
}

export type HeloForm = 'domain' | 'address-literal' | 'bare-ip' | 'invalid';

// RFC 5321 4.1.2 sub-domain, with underscores let through: Windows host names carry them, and
// refusing them would refuse real mail for a cosmetic fault.
const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/**
 * The form of a HELO/EHLO argument (RFC 5321 4.1.1.1: Domain / address-literal). An IP address
 * must be an address literal in brackets (RFC 5321 4.1.3): a bare one is `bare-ip`.
 */
export function heloForm(helo: string): HeloForm {
  const name = helo.trim();
  if (name.startsWith('[') && name.endsWith(']')) {
    const inner = name.slice(1, -1);
    if (isIP(inner) === 4) return 'address-literal';
    if (/^ipv6:/i.test(inner) && isIP(inner.slice(5)) === 6) return 'address-literal';
    // General-address-literal: Standardized-tag ":" 1*dcontent
    return /^[a-z0-9-]*[a-z0-9]:[\x21-\x5a\x5e-\x7e]+$/i.test(inner) && !/^ipv6:/i.test(inner) ? 'address-literal' : 'invalid';
  }
  if (isIP(name) !== 0) return 'bare-ip';
  const bare = name.replace(/\.$/, '');
  if (bare.length === 0 || bare.length > 253) return 'invalid';
  const labels = bare.split('.');
  // no numeric top-level label (Postfix's valid_hostname: "no numeric top-level domain")
  return labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels.at(-1)!) ? 'domain' : 'invalid';
}

/** The address a HELO names, if it names one (bare or literal). */
function heloAddress(helo: string): string | null {
  const inner = helo.trim().replace(/^\[(ipv6:)?/i, '').replace(/\]$/, '');
  return isIP(inner) !== 0 ? plainIp(inner).toLowerCase() : null;
}

/** Whether a HELO from `client` claims to be this server: our host name (when it is a real one) or our address. */
export function claimsToBeUs(helo: string, hostname: string, client: Pick<ClientInfo, 'ip' | 'localIp'>): boolean {
  const name = helo.trim().toLowerCase().replace(/\.$/, '');
  const ours = hostname.toLowerCase().replace(/\.$/, '');
  if (ours.includes('.') && name === ours) return true;
  const address = heloAddress(helo);
  const local = client.localIp ? plainIp(client.localIp).toLowerCase() : null;
  return address !== null && local !== null && address === local && plainIp(client.ip).toLowerCase() !== local;
}

const fcrdnsBySession = new WeakMap<ClientInfo, Promise<FcrdnsResult>>();

/** The parent domain of the client's forward-confirmed host name (mail-1.example.com -> example.com), or null. */
export async function confirmedHostDomain(client: ClientInfo): Promise<string | null> {
  const result = await fcrdnsBySession.get(client);
  if (result?.status !== 'confirmed') return null;
  const labels = result.name.split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : result.name;
}

/** Score weights of the hygiene symbols (the scale of rspamd's hfilter, kept lower: each alone is common among legitimate small senders). */
export const HYGIENE_SCORES = { HELO_BAREIP: 1.5, HELO_NOT_FQDN: 1, RDNS_NONE: 1, RDNS_NOT_CONFIRMED: 1 } as const;

/**
 * Strict SMTP on the MX, for clients outside MAILSTEAD_TRUSTED_NETWORKS:
 * - per-IP rates (Postfix anvil's smtpd_client_connection_rate_limit and
 *   smtpd_client_message_rate_limit, per minute): 421 4.7.0 at connect, 451 4.7.1 at MAIL FROM;
 * - HELO syntax: a malformed name is refused at RCPT with 501 5.5.2, as Postfix's
 *   reject_invalid_helo_hostname does (invalid_hostname_reject_code, delayed to RCPT by
 *   smtpd_delay_reject); a bare IP (Postfix lets it through) and a name without a dot only score;
 * - a HELO claiming our host name or our address from a foreign IP is refused 550 5.7.1 (Postfix
 *   has no built-in check; its documentation's check_helo_access example rejects exactly these);
 * - FCrDNS (started at connect, bounded by MAILSTEAD_DNSBL_TIMEOUT) scores RDNS_NONE /
 *   RDNS_NOT_CONFIRMED; a DNS failure or timeout scores nothing.
 */
export function smtpHygieneStep(settings: SmtpHygieneSettings): DeliveryStep {
  const checked = (client: ClientInfo | null): client is ClientInfo => client !== null && !settings.trusted.contains(client.ip);
  const fcrdnsOf = (client: ClientInfo) => {
    let result = fcrdnsBySession.get(client);
    if (!result) {
      result = forwardConfirmedName(client.ip, settings.resolver, settings.timeoutMs);
      fcrdnsBySession.set(client, result);
    }
    return result;
  };
  return {
    name: 'smtp-hygiene',
    sources: ['mx'],
    async connect(client) {
      if (!checked(client)) return undefined;
      const rates = settings.rates;
      if (rates && rates.connections > 0 && (await rates.counter.add(`connect:${plainIp(client.ip)}`)) > rates.connections) {
        return smtpReply(421, '4.7.0', `Too many connections from ${client.ip} in the last minute, try again later`);
      }
      void fcrdnsOf(client);
      return undefined;
    },
    async sender(envelope) {
      const client = envelope.client;
      if (!checked(client)) return undefined;
      const rates = settings.rates;
      if (rates && rates.messages > 0 && (await rates.counter.add(`mail:${plainIp(client.ip)}`)) > rates.messages) {
        return smtpReply(451, '4.7.1', `Too much mail from ${client.ip} in the last minute, try again later`);
      }
      return undefined;
    },
    async recipient(envelope) {
      const client = envelope.client;
      if (!checked(client)) return undefined;
      const helo = client.helo;
      if (heloForm(helo) === 'invalid') return smtpReply(501, '5.5.2', `<${helo}>: Helo command rejected: Invalid name`);
      if (claimsToBeUs(helo, settings.hostname, client)) return smtpReply(550, '5.7.1', `<${helo}>: Helo command rejected: You are not me`);
      return undefined;
    },
    async message(message) {
      const client = message.envelope.client;
      if (!checked(client)) return undefined;
      const form = heloForm(client.helo);
      if (form === 'bare-ip') addSymbol(message, { name: 'HELO_BAREIP', score: HYGIENE_SCORES.HELO_BAREIP, detail: `HELO ${client.helo} is an IP address without brackets (RFC 5321 4.1.3)` });
      else if (form === 'domain' && !client.helo.replace(/\.$/, '').includes('.')) addSymbol(message, { name: 'HELO_NOT_FQDN', score: HYGIENE_SCORES.HELO_NOT_FQDN, detail: `HELO ${client.helo} is not a fully qualified name` });
      const rdns = await fcrdnsOf(client);
      if (rdns.status === 'none') addSymbol(message, { name: 'RDNS_NONE', score: HYGIENE_SCORES.RDNS_NONE, detail: `${client.ip} has no reverse DNS name` });
      if (rdns.status === 'unconfirmed') addSymbol(message, { name: 'RDNS_NOT_CONFIRMED', score: HYGIENE_SCORES.RDNS_NOT_CONFIRMED, detail: `${rdns.names.join(', ')} does not resolve back to ${client.ip}` });
      return undefined;
    },
  };
}
