import type { Command } from 'commander';
import { UsageError, type CliContext } from '../cli-context';
import { MailTransferService, type ImportSummary, type TransferProgress } from '../../services/mail-transfer.service';

/** A one-line progress bar on a terminal (stderr), nothing when piped: the summary is what scripts read. */
function progressBar(): { update(p: TransferProgress): void; done(): void } {
  const tty = process.stderr.isTTY;
  let shown = false;
  return {
    update(p) {
      if (!tty) return;
      const share = p.bytesTotal ? Math.min(1, p.bytesRead / p.bytesTotal) : undefined;
      const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * 30)).padEnd(30, '.')}] ${Math.round(share * 100)}% `;
      process.stderr.write(`\r${bar}${p.folder}: ${p.imported} messages${p.skipped ? `, ${p.skipped} duplicates skipped` : ''}   `);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\n');
    },
  };
}

function printSummary(ctx: CliContext, summary: ImportSummary, what: string): void {
  if (summary.resumed) ctx.out(`resumed the interrupted import of ${what}`);
  for (const f of summary.folders) ctx.out(`${f.name}: ${f.imported} imported${f.skipped ? `, ${f.skipped} duplicates skipped` : ''}`);
  ctx.out(`total: ${summary.folders.reduce((n, f) => n + f.imported, 0)} messages imported`);
}

export function transferCommand(program: Command, ctx: CliContext): void {
  const service = async () => new MailTransferService(await ctx.store(), ctx.config);
  const importCommand = program.command('import').description('import mail into an account: mbox, Maildir++ or .eml files');
  const withImportOptions = (c: Command) =>
    c
      .requiredOption('-u, --user <address>', 'the account to import into')
      .option('-f, --folder <name>', 'mailbox to import into (default INBOX; created when missing)')
      .option('--skip-duplicates', 'leave out messages whose Message-ID and size the mailbox already has');
  withImportOptions(importCommand.command('mbox <file>').description('an mbox file (mboxrd/mboxo; Thunderbird and mutt flags kept); run again to resume an interrupted import')).action(
    async (file: string, opts: { user: string; folder?: string; skipDuplicates?: boolean }) => {
      const bar = progressBar();
      const summary = await (await service()).importMbox(opts.user, file, { folder: opts.folder, skipDuplicates: opts.skipDuplicates, onProgress: bar.update });
      bar.done();
      printSummary(ctx, summary, file);
    },
  );
  withImportOptions(importCommand.command('maildir <dir>').description('a Maildir++ tree: the root into INBOX (or --folder), .Sub.Folders as Sub/Folders; flags and Dovecot keywords kept')).action(
    async (dir: string, opts: { user: string; folder?: string; skipDuplicates?: boolean }) => {
      const bar = progressBar();
      const summary = await (await service()).importMaildir(opts.user, dir, { folder: opts.folder, skipDuplicates: opts.skipDuplicates, onProgress: bar.update });
      bar.done();
      printSummary(ctx, summary, dir);
    },
  );
  withImportOptions(importCommand.command('eml <files...>').description('single-message .eml files')).action(async (files: string[], opts: { user: string; folder?: string; skipDuplicates?: boolean }) => {
    const bar = progressBar();
    const summary = await (await service()).importEml(opts.user, files, { folder: opts.folder, skipDuplicates: opts.skipDuplicates, onProgress: bar.update });
    bar.done();
    printSummary(ctx, summary, 'the files');
  });

  program
    .command('export <dir>')
    .description("write an account's mailboxes to a directory, byte for byte, flags and keywords kept")
    .requiredOption('-u, --user <address>', 'the account to export')
    .option('--format <format>', 'maildir (Maildir++) or mbox (one <name>.mbox per mailbox)', 'maildir')
    .option('-f, --folder <name...>', 'only these mailboxes')
    .action(async (dir: string, opts: { user: string; format: string; folder?: string[] }) => {
      if (opts.format !== 'maildir' && opts.format !== 'mbox') throw new UsageError(`--format must be maildir or mbox, not "${opts.format}"`);
      const bar = progressBar();
      const result = await (await service()).export(opts.user, opts.format, dir, { folders: opts.folder, onProgress: bar.update });
      bar.done();
      for (const f of result.folders) ctx.out(`${f.name}: ${f.exported} exported`);
      ctx.out(`total: ${result.folders.reduce((n, f) => n + f.exported, 0)} messages exported to ${dir}`);
    });
}
