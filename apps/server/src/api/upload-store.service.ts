import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { UploadResult } from '@mailstead/contracts';

/** Uploaded attachments wait in Redis this long for the message that uses them. */
const UPLOAD_TTL_SECONDS = 24 * 3600;
const uploadKey = (accountId: number, id: string) => `mailstead:upload:${accountId}:${id}`;

export interface Upload {
  filename: string;
  contentType: string;
  data: Buffer;
}

/**
 * Attachments of a message being written, per account, in Redis so every API process sees
 * them: the composer's uploads (POST /api/uploads) and a forward's copies of the original's
 * attachments; a send or draft names them by id.
 */
export class UploadStore {
  constructor(private readonly redis: Redis) {}

  async put(accountId: number, upload: Upload): Promise<UploadResult> {
    const id = randomBytes(16).toString('hex');
    const key = uploadKey(accountId, id);
    await this.redis.multi().hset(key, { filename: upload.filename, contentType: upload.contentType, data: upload.data }).expire(key, UPLOAD_TTL_SECONDS).exec();
    return { id, filename: upload.filename, contentType: upload.contentType, size: upload.data.length };
  }

  /** Undefined when there is no such upload of this account (never was, or expired). */
  async get(accountId: number, id: string): Promise<Upload | undefined> {
    const [filename, contentType, data] = await this.redis.hmgetBuffer(uploadKey(accountId, id), 'filename', 'contentType', 'data');
    if (!filename || !contentType || !data) return undefined;
    return { filename: filename.toString(), contentType: contentType.toString(), data };
  }
}
