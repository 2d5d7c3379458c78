import { isIP } from 'node:net';

/** An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is the IPv4 client it maps. */
export function plainIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** The 32 hex nibbles of an IPv6 address, most significant first. */
export function ipv6Nibbles(ip: string): string[] {
  let text = ip.toLowerCase();
  // a trailing dotted quad (::1.2.3.4) is the last 32 bits
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.flatMap((g) => g.padStart(4, '0').split(''));
}

/**
 * The name to look up for a client IP in a DNS list (RFC 5782 2.1): the octets of an IPv4
 * address reversed (1.2.3.4 -> 4.3.2.1.zone), an IPv6 address as 32 reversed nibbles (RFC 5782 2.4).
 */
export function ipQueryName(ip: string, zone: string): string | null {
  const address = plainIp(ip);
  const family = isIP(address);
  if (family === 4) return `${address.split('.').reverse().join('.')}.${zone}`;
  if (family === 6) return `${ipv6Nibbles(address).reverse().join('.')}.${zone}`;
  return null;
}

/** A domain list's name for a domain (RFC 5782 2.3: the name itself under the zone); null for what is no domain name. */
export function domainQueryName(domain: string, zone: string): string | null {
  const name = domain.toLowerCase().replace(/\.$/, '');
  if (!/^([a-z0-9_]([a-z0-9_-]*[a-z0-9])?\.)+[a-z0-9-]{2,}$/.test(name) || isIP(name) !== 0 || name.length + zone.length > 252) return null;
  return `${name}.${zone}`;
}

export type AnswerMeaning = 'listed' | 'error' | 'ignored';

/**
 * What an A answer from a DNS list means (RFC 5782 2.1: listed entries answer 127.0.0.0/8):
 * 127.255.255.x are Spamhaus's refusal codes (252 typing error, 254 query through a public
 * resolver, 255 excessive queries) and dnswl.org answers 127.0.0.255 when it refuses; they mean
 * "do not use this answer", not listed. Anything outside 127/8 (a parked zone's wildcard) is ignored.
 */
export function answerMeaning(address: string): AnswerMeaning {
  if (!address.startsWith('127.')) return 'ignored';
  if (address.startsWith('127.255.255.') || address === '127.0.0.255') return 'error';
  return 'listed';
}
