import fs from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';
import type { MailsteadConfig } from '@mailstead/config';
import type { Logger } from './logger';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  selfSigned: boolean;
}

/** The configured certificate, or a self-signed one made once under <dataDir>/tls. */
export async function loadTls(config: MailsteadConfig, log: Logger): Promise<TlsMaterial> {
  if (config.tls.certFile && config.tls.keyFile) {
    return { cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile), selfSigned: false };
  }
  const dir = config.tls.selfSignedDir;
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pems = await generate([{ name: 'commonName', value: config.hostname }], {
      keySize: 2048,
      notAfterDate: new Date(Date.now() + 825 * 86_400_000),
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: config.hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    });
    fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
    fs.writeFileSync(certFile, pems.cert);
    log.info({ certFile }, 'created a self-signed TLS certificate (set MAILSTEAD_TLS_CERT/KEY for a real one)');
  }
  return { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), selfSigned: true };
}
