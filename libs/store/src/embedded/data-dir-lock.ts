import fs from 'node:fs';
import path from 'node:path';
import { processInfo } from './owned-process';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly owner: string,
  ) {
    super(`Mailstead is already running on ${dataDir} (PID ${pid}, ${owner}); stop it first, or give this one its own MAILSTEAD_DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

interface LockRecord {
  pid: number;
  startedAt: number;
  owner: string;
}

/**
 * One process at a time owns a data directory with embedded Postgres and Redis (as Dovecot's
 * master refuses "already running with PID ..."): a second `npm start` would otherwise stop
 * the first one's servers. The lock file names the owner's pid and start time; a file whose
 * process is gone, or whose pid now belongs to a process started later, is stale and taken over.
 */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string, owner: string): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'mailstead.lock');
    const me = processInfo(process.pid);
    const record: LockRecord = { pid: process.pid, startedAt: me?.startedAt ?? Date.now(), owner };
    const temp = `${file}.${process.pid}`;
    fs.writeFileSync(temp, `${JSON.stringify(record)}\n`);
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          fs.linkSync(temp, file); // atomic: fails if the file exists
          return new DataDirLock(file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const held = readRecord(file);
        if (held && held.pid !== process.pid && isAlive(held)) throw new DataDirInUseError(dataDir, held.pid, held.owner);
        fs.rmSync(file, { force: true }); // stale: its owner is gone
      }
      throw new Error(`could not take the lock ${file}`);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }

  release(): void {
    const held = readRecord(this.file);
    if (held?.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}

function readRecord(file: string): LockRecord | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockRecord>;
    return typeof parsed.pid === 'number' && typeof parsed.startedAt === 'number' ? { pid: parsed.pid, startedAt: parsed.startedAt, owner: String(parsed.owner ?? 'mailstead') } : null;
  } catch {
    return null; // unreadable or half-written: nobody can be proven to hold it
  }
}

/** The lock's process is alive and is the same process (its start time), not a later one with its pid. */
function isAlive(record: LockRecord): boolean {
  const info = processInfo(record.pid);
  return info !== null && Math.abs(info.startedAt - record.startedAt) < 1500;
}
