import fs from 'node:fs';
import path from 'node:path';
import type { DeliveryStep } from '../delivery-step';
import { smtpReply } from '../smtp-reply';

/** Free bytes on the file system of `dir`, or of its nearest existing parent (what an unprivileged writer may use). */
export async function freeSpace(dir: string): Promise<number> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      const stats = await fs.promises.statfs(d);
      return stats.bavail * stats.bsize;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || d === path.dirname(d)) throw error;
    }
  }
}

/**
 * Refuses a new transaction at MAIL FROM while the data directory's file system has less than
 * `minFree` bytes left, as Postfix's smtpd does (queue_minfree; at least 1.5 x the message size
 * limit), so a client learns it before sending the message, not after: 452 4.3.1 (RFC 3463
 * X.3.1 "mail system full", RFC 5321 4.2.2 452 "insufficient system storage").
 */
export function storageSpaceStep(dir: string, minFree: number): DeliveryStep {
  return {
    name: 'storage-space',
    sources: ['mx', 'submission', 'webmail'],
    async sender() {
      return (await freeSpace(dir)) < minFree ? smtpReply(452, '4.3.1', 'Insufficient system storage, try again later') : undefined;
    },
  };
}
