import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MailsteadConfig } from '@mailstead/config';
import {
  crlfToLf,
  lfToCrlf,
  MailboxFileError,
  maildirFileFlags,
  maildirFolderDir,
  maildirFolderName,
  maildirInfo,
  mboxEntry,
  parseDovecotKeywords,
  parseMessage,
  readMbox,
} from '@mailstead/mime';
import { MAILBOX_DELIMITER, StoreError, type AppendItem, type Store } from '@mailstead/store';
import { invalid, notFound } from './service-error';

export interface TransferProgress {
  folder: string;
  /** messages stored so far (this run) */
  imported: number;
  /** duplicates left out (`skipDuplicates`) */
  skipped: number;
  /** bytes of the source read so far, and its size, when known */
  bytesRead: number;
  bytesTotal?: number;
}

export interface ImportOptions {
  /** mailbox to import into (created when missing); maildir imports take the folders' own names */
  folder?: string;
  /** leave out messages whose Message-ID and size are already in the target mailbox */
  skipDuplicates?: boolean;
  onProgress?: (p: TransferProgress) => void;
}

export interface ImportSummary {
  folders: { name: string; imported: number; skipped: number }[];
  /** the run went on from where an interrupted one stopped */
  resumed: boolean;
}

/** Where an interrupted mbox import stopped: the byte after the last committed message. */
interface ImportCheckpoint {
  file: string;
  size: number;
  mtimeMs: number;
  accountId: number;
  folder: string;
  offset: number;
}

const BATCH_MESSAGES = 200;
const BATCH_BYTES = 16 * 1024 * 1024;
const EXPORT_PAGE = 100;

/**
 * Moving mail in and out (`mailstead import` / `export`, issue 23): mbox, Maildir++ and .eml
 * files into an account's mailboxes, and mailboxes out as Maildir or mbox. Imports stream one
 * message at a time and commit in batches (each batch one transaction, so a message is either
 * stored whole or not at all); an mbox import keeps a checkpoint under the data dir, so running
 * the same command again after an interruption goes on after the last committed batch.
 */
export class MailTransferService {
  constructor(
    private readonly store: Store,
    private readonly config: MailsteadConfig,
  ) {}

  private async account(address: string) {
    const account = await this.store.accounts.findByAddress(address);
    if (!account) throw notFound(`account ${address}`);
    return account;
  }

  private async mailbox(accountId: number, name: string) {
    const existing = await this.store.mailboxes.findByName(accountId, name);
    return existing ?? this.store.mailboxes.create(accountId, name);
  }

  private checkpointFile(key: string): string {
    return path.join(this.config.dataDir, 'imports', `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }

  /** Stores a batch in one transaction; with `dedupe`, messages already in the mailbox (Message-ID + size) are left out. */
  private async flush(mailboxId: number, batch: AppendItem[], dedupe: boolean): Promise<{ stored: number; skipped: number }> {
    if (batch.length === 0) return { stored: 0, skipped: 0 };
    let items = batch;
    if (dedupe) {
      const ids = batch.map((b) => b.parsed?.messageId).filter((id): id is string => Boolean(id));
      const known = await this.store.mailTransfer.knownMessages(mailboxId, ids);
      const seen = new Set<string>();
      items = batch.filter((b) => {
        const id = b.parsed?.messageId;
        if (!id) return true;
        const key = `${id}/${b.raw.length}`;
        if (known.has(key) || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    try {
      await this.store.messages.append(mailboxId, items, { messageLimit: this.config.imap.messageQuota });
    } catch (error) {
      if (error instanceof StoreError && error.code === 'over_quota') throw invalid('the account is over its quota: the import stopped before this batch (run it again once there is room; it goes on from here)');
      throw error;
    }
    return { stored: items.length, skipped: batch.length - items.length };
  }

  async importMbox(address: string, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
    const account = await this.account(address);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat?.isFile()) throw invalid(`${file} is not a file`);
    const folder = options.folder ?? 'INBOX';
    const mailbox = await this.mailbox(account.id, folder);
    const absolute = path.resolve(file);
    const checkpointPath = this.checkpointFile(`mbox\0${absolute}\0${account.id}\0${folder}`);
    const saved = readCheckpoint(checkpointPath);
    const resumed = saved !== undefined && saved.size === stat.size && saved.mtimeMs === stat.mtimeMs && saved.offset < stat.size;
    const start = resumed ? saved.offset : 0;
    const progress: TransferProgress = { folder, imported: 0, skipped: 0, bytesRead: start, bytesTotal: stat.size };
    let batch: AppendItem[] = [];
    let batchBytes = 0;
    let batchEnd = start;
    // After an interruption the last batch may have been committed without its checkpoint: check it against the mailbox.
    let dedupeNext = resumed || (options.skipDuplicates ?? false);
    const commit = async () => {
      const { stored, skipped } = await this.flush(mailbox.id, batch, dedupeNext);
      dedupeNext = options.skipDuplicates ?? false;
      progress.imported += stored;
      progress.skipped += skipped;
      progress.bytesRead = batchEnd;
      writeCheckpoint(checkpointPath, { file: absolute, size: stat.size, mtimeMs: stat.mtimeMs, accountId: account.id, folder, offset: batchEnd });
      options.onProgress?.({ ...progress });
      batch = [];
      batchBytes = 0;
    };
    const stream = fs.createReadStream(file, { start, highWaterMark: 256 * 1024 });
    try {
      for await (const entry of readMbox(stream, { maxMessageSize: this.config.smtp.maxMessageSize, startOffset: start })) {
        batch.push({ raw: entry.raw, flags: entry.flags, internalDate: entry.internalDate, parsed: parseMessage(entry.raw) });
        batchBytes += entry.raw.length;
        batchEnd = entry.endOffset;
        if (batch.length >= BATCH_MESSAGES || batchBytes >= BATCH_BYTES) await commit();
      }
    } catch (error) {
      if (error instanceof MailboxFileError) throw invalid(`${file}: ${error.message}`);
      throw error;
    } finally {
      stream.destroy();
    }
    await commit();
    fs.rmSync(checkpointPath, { force: true });
    return { folders: [{ name: folder, imported: progress.imported, skipped: progress.skipped }], resumed };
  }

  /** A Maildir++ tree: the root is INBOX, `.Name.Sub` folders become `Name/Sub`; flags from file names, dates from file times. */
  async importMaildir(address: string, dir: string, options: ImportOptions = {}): Promise<ImportSummary> {
    const account = await this.account(address);
    if (!isMaildir(dir)) throw invalid(`${dir} is not a Maildir (no cur/ and new/ folders)`);
    const folders = [{ dir, name: options.folder ?? 'INBOX' }];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const sub = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name.startsWith('.') && entry.name !== '.' && entry.name !== '..' && isMaildir(sub)) {
        const name = maildirFolderName(entry.name, MAILBOX_DELIMITER);
        folders.push({ dir: sub, name: options.folder ? `${options.folder}${MAILBOX_DELIMITER}${name}` : name });
      }
    }
    const summary: ImportSummary = { folders: [], resumed: false };
    for (const folder of folders) {
      const mailbox = await this.mailbox(account.id, folder.name);
      const keywordsFile = path.join(folder.dir, 'dovecot-keywords');
      const keywords = parseDovecotKeywords(fs.existsSync(keywordsFile) ? fs.readFileSync(keywordsFile, 'utf8') : '');
      const files = ['cur', 'new'].flatMap((sub) =>
        fs.readdirSync(path.join(folder.dir, sub), { withFileTypes: true }).filter((f) => f.isFile()).map((f) => ({ file: path.join(folder.dir, sub, f.name), name: f.name, isNew: sub === 'new' })),
      );
      files.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
      const progress: TransferProgress = { folder: folder.name, imported: 0, skipped: 0, bytesRead: 0 };
      let batch: AppendItem[] = [];
      let batchBytes = 0;
      const commit = async () => {
        const { stored, skipped } = await this.flush(mailbox.id, batch, options.skipDuplicates ?? false);
        progress.imported += stored;
        progress.skipped += skipped;
        options.onProgress?.({ ...progress });
        batch = [];
        batchBytes = 0;
      };
      for (const f of files) {
        const stat = fs.statSync(f.file);
        if (stat.size > this.config.smtp.maxMessageSize) throw invalid(`${f.file} is larger than ${this.config.smtp.maxMessageSize} bytes`);
        const raw = lfToCrlf(fs.readFileSync(f.file));
        batch.push({ raw, flags: f.isNew ? [] : maildirFileFlags(f.name, keywords), internalDate: stat.mtime, parsed: parseMessage(raw) });
        batchBytes += raw.length;
        progress.bytesRead += stat.size;
        if (batch.length >= BATCH_MESSAGES || batchBytes >= BATCH_BYTES) await commit();
      }
      await commit();
      summary.folders.push({ name: folder.name, imported: progress.imported, skipped: progress.skipped });
    }
    return summary;
  }

  /** Single .eml files, each one message, dated by the file time. */
  async importEml(address: string, files: string[], options: ImportOptions = {}): Promise<ImportSummary> {
    const account = await this.account(address);
    const folder = options.folder ?? 'INBOX';
    const mailbox = await this.mailbox(account.id, folder);
    let imported = 0;
    let skipped = 0;
    for (let i = 0; i < files.length; i += BATCH_MESSAGES) {
      const batch = files.slice(i, i + BATCH_MESSAGES).map((file): AppendItem => {
        const stat = fs.statSync(file);
        if (!stat.isFile()) throw invalid(`${file} is not a file`);
        if (stat.size > this.config.smtp.maxMessageSize) throw invalid(`${file} is larger than ${this.config.smtp.maxMessageSize} bytes`);
        const raw = lfToCrlf(fs.readFileSync(file));
        return { raw, internalDate: stat.mtime, parsed: parseMessage(raw) };
      });
      const result = await this.flush(mailbox.id, batch, options.skipDuplicates ?? false);
      imported += result.stored;
      skipped += result.skipped;
      options.onProgress?.({ folder, imported, skipped, bytesRead: 0 });
    }
    return { folders: [{ name: folder, imported, skipped }], resumed: false };
  }

  /**
   * Every mailbox of the account (or the named ones) into `dir`: Maildir++ (the root is INBOX;
   * file names carry the flags, `dovecot-keywords` the keyword letters, file times the internal
   * dates) or mbox (one `<name>.mbox` per mailbox, hierarchy as directories, mboxrd quoting,
   * flags in Status/X-Status/X-Keywords). Messages are written byte for byte, with LF line ends.
   */
  async export(address: string, format: 'maildir' | 'mbox', dir: string, options: { folders?: string[]; onProgress?: (p: TransferProgress) => void } = {}): Promise<{ folders: { name: string; exported: number }[] }> {
    const account = await this.account(address);
    const all = await this.store.mailboxes.list(account.id);
    const wanted = options.folders?.length ? options.folders : all.map((m) => m.name);
    const mailboxes = wanted.map((name) => {
      const found = all.find((m) => m.name === name || (name.toUpperCase() === 'INBOX' && m.name.toUpperCase() === 'INBOX'));
      if (!found) throw notFound(`mailbox ${name}`);
      return found;
    });
    fs.mkdirSync(dir, { recursive: true });
    const result: { name: string; exported: number }[] = [];
    for (const mailbox of mailboxes) {
      let exported = 0;
      if (format === 'maildir') {
        const folderDir = path.join(dir, maildirFolderDir(mailbox.name, MAILBOX_DELIMITER));
        for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(folderDir, sub), { recursive: true });
        const keywords: string[] = [];
        for (let after = 0; ; ) {
          const page = await this.store.mailTransfer.page(mailbox.id, after, EXPORT_PAGE);
          if (page.length === 0) break;
          for (const m of page) {
            const bytes = crlfToLf(m.raw);
            const name = `${Math.floor(m.internalDate.getTime() / 1000)}.M${m.uid}P0.mailstead,S=${bytes.length}${maildirInfo(m.flags, keywords)}`;
            const file = path.join(folderDir, 'cur', name);
            fs.writeFileSync(file, bytes);
            fs.utimesSync(file, m.internalDate, m.internalDate);
            exported++;
          }
          after = page[page.length - 1]!.uid;
          options.onProgress?.({ folder: mailbox.name, imported: exported, skipped: 0, bytesRead: 0 });
        }
        if (keywords.length) fs.writeFileSync(path.join(folderDir, 'dovecot-keywords'), keywords.map((k, i) => `${i} ${k}\n`).join(''));
      } else {
        const file = path.join(dir, `${mailbox.name.split(MAILBOX_DELIMITER).join(path.sep)}.mbox`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const out = fs.openSync(file, 'w');
        try {
          for (let after = 0; ; ) {
            const page = await this.store.mailTransfer.page(mailbox.id, after, EXPORT_PAGE);
            if (page.length === 0) break;
            for (const m of page) {
              fs.writeSync(out, mboxEntry(m.raw, returnPath(m.raw), m.internalDate, m.flags));
              exported++;
            }
            after = page[page.length - 1]!.uid;
            options.onProgress?.({ folder: mailbox.name, imported: exported, skipped: 0, bytesRead: 0 });
          }
        } finally {
          fs.closeSync(out);
        }
      }
      result.push({ name: mailbox.name, exported });
    }
    return { folders: result };
  }
}

function isMaildir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'cur')) && fs.existsSync(path.join(dir, 'new'));
}

/** The envelope sender for an mbox `From ` line: the Return-Path field, else MAILER-DAEMON. */
function returnPath(raw: Buffer): string {
  const head = raw.subarray(0, Math.min(raw.length, 8192)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const m = /^Return-Path:[ \t]*<([^>\s]*)>/im.exec(end >= 0 ? head.slice(0, end) : head);
  return m?.[1] || 'MAILER-DAEMON';
}

function readCheckpoint(file: string): ImportCheckpoint | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ImportCheckpoint;
  } catch {
    return undefined;
  }
}

function writeCheckpoint(file: string, checkpoint: ImportCheckpoint): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(checkpoint));
  fs.renameSync(temp, file);
}
