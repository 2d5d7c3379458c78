import { createHash } from 'node:crypto';
import type { ClientPorts } from '@mailstead/config';

/**
 * The documents mail clients fetch to set themselves up from an address and a password:
 * Thunderbird's autoconfig, Outlook's Autodiscover (POX and the v2 JSON redirect), and an
 * Apple configuration profile. All of them name the same servers, from `clientServers`.
 */

export interface ClientServer {
  protocol: 'imap' | 'pop3' | 'smtp';
  host: string;
  port: number;
  /** implicit TLS, or STARTTLS on a plain connection */
  security: 'tls' | 'starttls';
}

/** Implicit TLS first (RFC 8314 5.1), STARTTLS as the fallback, per protocol. */
export function clientServers(host: string, ports: ClientPorts): ClientServer[] {
  return [
    { protocol: 'imap', host, port: ports.imaps, security: 'tls' },
    { protocol: 'imap', host, port: ports.imap, security: 'starttls' },
    { protocol: 'pop3', host, port: ports.pop3s, security: 'tls' },
    { protocol: 'pop3', host, port: ports.pop3, security: 'starttls' },
    { protocol: 'smtp', host, port: ports.submissions, security: 'tls' },
    { protocol: 'smtp', host, port: ports.submission, security: 'starttls' },
  ];
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string | number) => String(text).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/**
 * Thunderbird's autoconfig format (clientConfig version 1.1, as in Mozilla's ISP database):
 * one emailProvider for the domain, incoming servers in preference order, the address as the
 * user name. Served at /.well-known/autoconfig/mail/config-v1.1.xml and, for the
 * autoconfig.<domain> host name, /mail/config-v1.1.xml.
 */
export function thunderbirdAutoconfig(domain: string, servers: ClientServer[]): string {
  const server = (s: ClientServer) => {
    const tag = s.protocol === 'smtp' ? 'outgoingServer' : 'incomingServer';
    return [
      `    <${tag} type="${s.protocol}">`,
      `      <hostname>${xml(s.host)}</hostname>`,
      `      <port>${s.port}</port>`,
      `      <socketType>${s.security === 'tls' ? 'SSL' : 'STARTTLS'}</socketType>`,
      '      <authentication>password-cleartext</authentication>',
      '      <username>%EMAILADDRESS%</username>',
      `    </${tag}>`,
    ].join('\n');
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${xml(domain)}">`,
    `    <domain>${xml(domain)}</domain>`,
    `    <displayName>${xml(domain)} mail</displayName>`,
    `    <displayShortName>${xml(domain)}</displayShortName>`,
    ...servers.filter((s) => s.protocol !== 'smtp').map(server),
    ...servers.filter((s) => s.protocol === 'smtp').map(server),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n');
}

const AUTODISCOVER_RESPONSE = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
export const OUTLOOK_RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

/**
 * Outlook's plain-old-XML Autodiscover answer (MS-OXDSCLI 2.2.4) for an IMAP/POP3/SMTP
 * account: one Protocol element per server, implicit TLS preferred ("SSL on"; STARTTLS is
 * `Encryption TLS`). The address is the login name.
 */
export function autodiscoverPox(address: string, servers: ClientServer[]): string {
  const protocol = (s: ClientServer) =>
    [
      '      <Protocol>',
      `        <Type>${s.protocol.toUpperCase()}</Type>`,
      `        <Server>${xml(s.host)}</Server>`,
      `        <Port>${s.port}</Port>`,
      '        <DomainRequired>off</DomainRequired>',
      `        <LoginName>${xml(address)}</LoginName>`,
      '        <SPA>off</SPA>',
      s.security === 'tls' ? '        <SSL>on</SSL>' : '        <Encryption>TLS</Encryption>',
      '        <AuthRequired>on</AuthRequired>',
      ...(s.protocol === 'smtp' ? ['        <UsePOPAuth>on</UsePOPAuth>', '        <SMTPLast>off</SMTPLast>'] : []),
      '      </Protocol>',
    ].join('\n');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${AUTODISCOVER_RESPONSE}">`,
    `  <Response xmlns="${OUTLOOK_RESPONSE_SCHEMA}">`,
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    ...servers.map(protocol),
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

/** MS-OXDSCLI's error answer: 600 "Invalid Request" (no address, or not one of our domains). */
export function autodiscoverError(code: 600 | 601, message: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${AUTODISCOVER_RESPONSE}">`,
    '  <Response>',
    `    <Error Time="${new Date().toISOString().slice(11, 19)}" Id="${Math.floor(Math.random() * 2 ** 31)}">`,
    `      <ErrorCode>${code}</ErrorCode>`,
    `      <Message>${xml(message)}</Message>`,
    '      <DebugData />',
    '    </Error>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

/** The EMailAddress of an Autodiscover POX request, or undefined. */
export function autodiscoverRequestAddress(body: string): string | undefined {
  const m = /<(?:\w+:)?EMailAddress>\s*([^<\s]+)\s*<\/(?:\w+:)?EMailAddress>/i.exec(body);
  return m?.[1];
}

type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

function plist(value: PlistValue, indent: string): string {
  if (typeof value === 'string') return `${indent}<string>${xml(value)}</string>`;
  if (typeof value === 'number') return `${indent}<integer>${Math.trunc(value)}</integer>`;
  if (typeof value === 'boolean') return `${indent}<${value}/>`;
  if (Array.isArray(value)) return [`${indent}<array>`, ...value.map((v) => plist(v, `${indent}  `)), `${indent}</array>`].join('\n');
  return [`${indent}<dict>`, ...Object.entries(value).flatMap(([k, v]) => [`${indent}  <key>${xml(k)}</key>`, plist(v, `${indent}  `)]), `${indent}</dict>`].join('\n');
}

/** A stable UUID (RFC 4122 layout) from a name, so a re-downloaded profile replaces the installed one. */
function nameUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

/**
 * An unsigned Apple configuration profile (com.apple.mail.managed payload) for iOS/iPadOS and
 * macOS Mail: IMAP over implicit TLS and submission over implicit TLS, both with the app
 * password made for this profile, so the device never holds the account password.
 */
export function appleMobileconfig(input: { address: string; displayName: string | null; servers: ClientServer[]; password: string; profileId: string }): string {
  const imap = input.servers.find((s) => s.protocol === 'imap' && s.security === 'tls')!;
  const smtp = input.servers.find((s) => s.protocol === 'smtp' && s.security === 'tls')!;
  const [, domain = ''] = input.address.split('@');
  const identifier = `mailstead.${domain.split('.').reverse().join('.')}.${input.address.replace(/[^\w.-]/g, '_')}`;
  const account = {
    EmailAccountDescription: input.address,
    EmailAccountName: input.displayName ?? input.address,
    EmailAccountType: 'EmailTypeIMAP',
    EmailAddress: input.address,
    IncomingMailServerAuthentication: 'EmailAuthPassword',
    IncomingMailServerHostName: imap.host,
    IncomingMailServerPortNumber: imap.port,
    IncomingMailServerUseSSL: true,
    IncomingMailServerUsername: input.address,
    IncomingPassword: input.password,
    OutgoingMailServerAuthentication: 'EmailAuthPassword',
    OutgoingMailServerHostName: smtp.host,
    OutgoingMailServerPortNumber: smtp.port,
    OutgoingMailServerUseSSL: true,
    OutgoingMailServerUsername: input.address,
    OutgoingPassword: input.password,
    OutgoingPasswordSameAsIncomingPassword: true,
    PayloadDescription: `Mail account ${input.address}`,
    PayloadDisplayName: input.address,
    PayloadIdentifier: `${identifier}.mail`,
    PayloadType: 'com.apple.mail.managed',
    PayloadUUID: nameUuid(`${input.profileId}/mail`),
    PayloadVersion: 1,
  };
  const profile = {
    PayloadContent: [account],
    PayloadDescription: `Sets up ${input.address} in Mail with an app password made for this device.`,
    PayloadDisplayName: `${input.address} (Mailstead)`,
    PayloadIdentifier: identifier,
    PayloadRemovalDisallowed: false,
    PayloadType: 'Configuration',
    PayloadUUID: nameUuid(input.profileId),
    PayloadVersion: 1,
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    plist(profile, ''),
    '</plist>',
    '',
  ].join('\n');
}
