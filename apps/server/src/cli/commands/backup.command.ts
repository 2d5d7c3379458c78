import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { BackupService } from '../../services/backup.service';

export function backupCommand(program: Command, ctx: CliContext): void {
  const service = async () => new BackupService(await ctx.store());
  program
    .command('backup <dir>')
    .description('a consistent copy of everything (accounts, mailboxes, messages with flags, UIDs and MODSEQs, blobs, lists, aliases, DKIM keys, Sieve scripts) while the server runs')
    .action(async (dir: string) => {
      const tty = process.stderr.isTTY;
      const manifest = await (await service()).backup(dir, (p) => {
        if (tty) process.stderr.write(`\r${p.table ?? ''}: ${p.rows} rows, ${p.blobs} blobs   `);
      });
      if (tty) process.stderr.write('\n');
      const rows = Object.values(manifest.tables).reduce((a, b) => a + b, 0);
      ctx.out(`backup of schema ${manifest.schema} in ${dir}: ${Object.keys(manifest.tables).length} tables, ${rows} rows, ${manifest.blobs.count} blobs (${manifest.blobs.bytes} bytes)`);
    });
  program
    .command('restore <dir>')
    .description('load a backup into an empty instance (a new data directory, before the first start, or an empty database): UIDVALIDITY and UIDs kept, so mail clients do not resynchronise')
    .action(async (dir: string) => {
      const restored = await (await service()).restore(dir);
      ctx.out(`restored ${Object.values(restored).reduce((a, b) => a + b, 0)} rows into ${Object.keys(restored).length} tables`);
    });
  program
    .command('verify [dir]')
    .description('check the live store (or, given a directory, a backup): every blob present with the right size and sha256, counters matching the messages')
    .action(async (dir: string | undefined) => {
      const svc = await service();
      const problems = dir ? await svc.verifyBackup(dir) : await svc.verifyStore();
      for (const p of problems) ctx.out(`${p.check}: ${p.detail}`);
      if (problems.length > 0) throw new Error(`${dir ?? 'the store'}: ${problems.length} problem(s) found`);
      ctx.out(`${dir ?? 'the store'}: no problems found`);
    });
}
