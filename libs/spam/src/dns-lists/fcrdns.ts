import { ipv6Nibbles, plainIp } from './dns-list-names';
import { isAbsent, TIMED_OUT, withinBound, type DnsListResolver } from './dns-list-resolver';

/**
 * Forward-confirmed reverse DNS: `confirmed` when a PTR name of the IP resolves back to it,
 * `unconfirmed` when PTR names exist but none does, `none` without PTR, `unknown` when DNS
 * failed or did not answer within `timeoutMs` (so it never counts against the client).
 */
export type FcrdnsResult = { status: 'confirmed'; name: string } | { status: 'unconfirmed'; names: string[] } | { status: 'none' } | { status: 'unknown' };

const MAX_NAMES = 10;

export async function forwardConfirmedName(ip: string, resolver: DnsListResolver, timeoutMs: number): Promise<FcrdnsResult> {
  const address = plainIp(ip);
  const work = async (): Promise<FcrdnsResult> => {
    let names: string[];
    try {
      names = (await resolver.reverse(address)).slice(0, MAX_NAMES);
    } catch (error) {
      return isAbsent(error) ? { status: 'none' } : { status: 'unknown' };
    }
    if (names.length === 0) return { status: 'none' };
    const lookup = address.includes(':') ? resolver.resolve6 : resolver.resolve4;
    const canonical = (a: string) => (a.includes(':') ? ipv6Nibbles(a).join('') : a);
    const forward = await Promise.all(names.map((n) => lookup(n).then((a) => a.map((r) => canonical(r.address)), () => [] as string[])));
    const index = forward.findIndex((addresses) => addresses.includes(canonical(address)));
    return index >= 0 ? { status: 'confirmed', name: names[index]!.toLowerCase().replace(/\.$/, '') } : { status: 'unconfirmed', names };
  };
  const result = await withinBound(work(), timeoutMs);
  return result === TIMED_OUT ? { status: 'unknown' } : result;
}
