import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { zoneFileLine } from '@mailstead/contracts';

export interface DkimKey {
  selector: string;
  /** PKCS#8 PEM private key (RSA 2048). */
  privateKey: string;
}

/** A fresh RSA-2048 key (RFC 8301 3.2: at least 1024 bits, 2048 recommended) with a dated selector. */
export function generateDkimKey(selector = `ms${new Date().toISOString().slice(0, 7).replace('-', '')}`): DkimKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { selector, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** The public key record to publish (RFC 6376 3.6.1): name and TXT value. */
export function dkimDnsRecord(domain: string, key: DkimKey): { name: string; value: string } {
  const spki = createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
  return { name: `${key.selector}._domainkey.${domain}`, value: `v=DKIM1; k=rsa; p=${spki}` };
}

/** The record as a zone-file line, the value split into strings of at most 255 octets. */
export function dkimZoneLine(domain: string, key: DkimKey): string {
  return zoneFileLine({ type: 'TXT', ...dkimDnsRecord(domain, key) });
}

/** Prepends a DKIM-Signature (relaxed/relaxed, rsa-sha256) made with the domain's key. */
export async function signMessage(raw: Buffer, domain: string, key: DkimKey): Promise<Buffer> {
  // mailauth 4 reads the keys from signatureData; top-level keys alone yield an empty signature.
  const result = await dkimSign(raw, {
    signingDomain: domain,
    selector: key.selector,
    privateKey: key.privateKey,
    signatureData: [{ signingDomain: domain, selector: key.selector, privateKey: key.privateKey, canonicalization: 'relaxed/relaxed', algorithm: 'rsa-sha256' }],
  });
  if (result.errors?.length || !result.signatures?.startsWith('DKIM-Signature:')) {
    throw new Error(`DKIM signing failed: ${result.errors?.map((e) => e.message).join('; ') || 'no signature produced'}`);
  }
  return Buffer.concat([Buffer.from(result.signatures), raw]);
}
