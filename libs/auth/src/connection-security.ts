import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * 127.0.0.0/8 and ::1, in any spelling Node reports: a dual-stack listener ("::") sees an IPv4
 * client as IPv4-mapped IPv6 (::ffff:127.0.0.1, RFC 4291 2.5.5.2), which BlockList matches
 * against the IPv4 subnet.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** What decides whether a connection may carry a password in the clear. */
export interface ConnectionSecurity {
  /** TLS is active (implicit TLS or after STARTTLS/STLS). */
  tls: boolean;
  remoteAddress: string | undefined;
  /**
   * Loopback peers count as secured, as Dovecot counts them (default true). Off where a local
   * proxy forwards outside connections, and in tests that play a remote client.
   */
  trustLoopback?: boolean;
  /** MAILSTEAD_INSECURE_AUTH: passwords without TLS from anywhere (development only). */
  insecureAuth?: boolean;
}

/**
 * May this connection send a password: only over TLS (RFC 8314 3, RFC 9051 11.1, RFC 4954 4,
 * RFC 2595 2.2), loopback counting as secured unless turned off, or everywhere when insecure
 * auth is configured. The one rule behind IMAP LOGINDISABLED, POP3 [AUTH] and SMTP's AUTH offer.
 */
export function passwordsAllowed(connection: ConnectionSecurity): boolean {
  return connection.tls || connection.insecureAuth === true || (connection.trustLoopback !== false && isLoopbackAddress(connection.remoteAddress));
}
