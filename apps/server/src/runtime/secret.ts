import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MailsteadConfig } from '@mailstead/config';
import type { ListLinks } from '@mailstead/pipeline';

const loaded = new Map<string, Buffer>();

/**
 * The server secret that signs links put into mail (list unsubscribe tokens): MAILSTEAD_SECRET
 * when set, else 32 random bytes generated once into <data dir>/secret (mode 0600), the way the
 * self-signed TLS certificate is made. Processes sharing the data dir race safely: the file is
 * created exclusively and a loser reads the winner's. Roles on different machines need the
 * same MAILSTEAD_SECRET, or links made by the smtp role fail to verify on the api role.
 */
export function serverSecret(config: Pick<MailsteadConfig, 'secret'>): Buffer {
  if (config.secret.value) return Buffer.from(config.secret.value, 'utf8');
  const file = config.secret.file;
  const cached = loaded.get(file);
  if (cached) return cached;
  let secret: Buffer;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fresh = randomBytes(32).toString('base64url');
    fs.writeFileSync(file, `${fresh}\n`, { flag: 'wx', mode: 0o600 });
    secret = Buffer.from(fresh, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    secret = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'utf8');
    if (secret.length < 16) throw new Error(`${file} holds no usable secret (delete it to have a new one made)`);
  }
  loaded.set(file, secret);
  return secret;
}

/** What list posts need for their one-click unsubscribe links (libs/smtp listParts). */
export function listLinks(config: Pick<MailsteadConfig, 'secret' | 'publicUrl'>): ListLinks {
  return { publicUrl: config.publicUrl, secret: serverSecret(config) };
}
