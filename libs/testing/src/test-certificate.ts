import { generate } from 'selfsigned';

let certificate: Promise<{ cert: string; key: string }> | undefined;

/** A self-signed certificate for localhost/127.0.0.1, made once per test file (key generation is the slow part). */
export function testCertificate(): Promise<{ cert: string; key: string }> {
  certificate ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  }).then((p) => ({ cert: p.cert, key: p.private }));
  return certificate;
}
