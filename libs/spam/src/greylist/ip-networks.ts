import { isIP } from 'node:net';
import { ipv6Nibbles, plainIp } from '../dns-lists/dns-list-names';

/** The address as a bit string (32 or 128 characters), or null when it is none. */
function bits(ip: string): string | null {
  const address = plainIp(ip);
  const family = isIP(address);
  if (family === 4) return address.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
  if (family === 6) return ipv6Nibbles(address).map((n) => parseInt(n, 16).toString(2).padStart(4, '0')).join('');
  return null;
}

/** Matches client addresses against CIDRs (MAILSTEAD_TRUSTED_NETWORKS); an IPv4-mapped IPv6 client counts as its IPv4 address. */
export class NetworkList {
  private readonly networks: { bits: string; length: number }[];

  constructor(cidrs: readonly string[]) {
    this.networks = cidrs.flatMap((cidr) => {
      const [address = '', prefix] = cidr.split('/');
      const b = bits(address);
      if (!b) return [];
      return [{ bits: b, length: prefix === undefined ? b.length : Math.min(Number(prefix), b.length) }];
    });
  }

  contains(ip: string): boolean {
    const b = bits(ip);
    if (!b) return false;
    return this.networks.some((n) => n.bits.length === b.length && b.slice(0, n.length) === n.bits.slice(0, n.length));
  }
}

/**
 * The client's network for greylisting: its /24 for IPv4, its /64 for IPv6, so a sender's pool
 * of outgoing servers retrying from a neighbouring address still matches (postgrey's --lookup-by-subnet).
 */
export function clientNetwork(ip: string): string {
  const address = plainIp(ip);
  if (isIP(address) === 4) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIP(address) === 6) {
    const n = ipv6Nibbles(address).slice(0, 16).join('');
    return `${n.match(/.{4}/g)!.join(':')}::/64`;
  }
  return address;
}
