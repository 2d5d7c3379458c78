import type { DnsResolver } from '../steps/sender-authentication.step';
import { splitMessage } from '../message/message-headers';

export interface ArcKey {
  /** d= of the seal: the forwarding domain */
  domain: string;
  selector: string;
  /** PKCS#8 PEM (the domain's DKIM key) */
  privateKey: string;
}

/** RFC 8617 4.2.1: a chain longer than this is not continued. */
const MAX_ARC_INSTANCES = 50;

/**
 * The results our MX recorded for the message (the Authentication-Results field with our
 * authserv-id, RFC 8601 2.2, that the sender-authentication step put on top), unfolded, for
 * the ARC-Authentication-Results of our set; "<authserv-id>" alone when we recorded none.
 */
export function ourAuthenticationResults(raw: Buffer, authServId: string): string {
  const { header } = splitMessage(raw);
  const fields = header.split(/\r\n(?![ \t])/);
  const id = authServId.toLowerCase();
  for (const field of fields) {
    const m = /^authentication-results:\s*([\s\S]*)$/i.exec(field);
    if (!m) continue;
    const value = m[1]!.replace(/\r\n[ \t]+/g, ' ').replace(/\s+/g, ' ').trim();
    const servId = value.split(/[;\s]/, 1)[0]!.toLowerCase();
    if (servId === id) return value.replace(/;\s*$/, '');
  }
  return authServId;
}

/**
 * ARC-seals a message we forward (RFC 8617 5.1): ARC-Seal, ARC-Message-Signature and
 * ARC-Authentication-Results of instance i = previous + 1, signed with the forwarding domain's
 * key (mailauth's sealMessage). The chain status cv is "none" without earlier sets; with them
 * it is what verifying the chain gives (mailauth's arc(), DNS through `resolver`), and a failed
 * chain is sealed only where mailauth says the last hop still passed (RFC 8617 5.1.2), as its
 * own authenticate() does. Answers the sealed message, or the message unchanged when it is not
 * to be sealed.
 */
export async function arcSeal(raw: Buffer, opts: { key: ArcKey; authServId: string; resolver?: DnsResolver; now?: Date }): Promise<Buffer> {
  const mailauth = await import('mailauth');
  const { header } = splitMessage(raw);
  const hasChain = /(^|\r\n)arc-seal:/i.test(header);
  let cv = 'none';
  let instance = 1;
  if (hasChain) {
    const resolver = opts.resolver ? { resolver: opts.resolver as never } : {};
    const verified = await mailauth.dkimVerify(raw, resolver);
    const chain = (verified as unknown as { arc?: Parameters<typeof mailauth.arc>[0] }).arc;
    if (!chain) return raw;
    const result = await mailauth.arc(chain, resolver);
    const status = result.status as { result: string; shouldSeal?: boolean };
    const previous = typeof result.i === 'number' ? result.i : 0;
    if (status.result === 'fail' && !status.shouldSeal) return raw;
    if (previous + 1 > MAX_ARC_INSTANCES) return raw;
    cv = status.result;
    instance = previous + 1;
  }
  const authResults = `${ourAuthenticationResults(raw, opts.authServId)}; arc=${cv}`;
  const seal = await mailauth.sealMessage(raw, {
    signingDomain: opts.key.domain,
    selector: opts.key.selector,
    privateKey: opts.key.privateKey,
    signTime: opts.now ?? new Date(),
    // not in mailauth's types, read by its createSeal
    ...({ i: instance, cv, authResults } as object),
  });
  return seal.length > 0 ? Buffer.concat([seal, raw]) : raw;
}
