import { Option, type Command } from 'commander';
import type { OutboundStatus } from '@mailstead/store';
import { UsageError, type CliContext } from '../cli-context';
import { table } from '../table';

function parseId(id: string): bigint {
  if (!/^\d+$/.test(id)) throw new UsageError(`queue id "${id}" is not a number`);
  return BigInt(id);
}

export function queueCommand(program: Command, ctx: CliContext): void {
  const queue = program.command('queue').description('inspect and operate the outbound queue');
  queue
    .command('list')
    .description('list outbound messages')
    .addOption(new Option('-s, --status <status>', 'only this status').choices(['queued', 'sending', 'deferred', 'delivered', 'failed']))
    .option('-d, --domain <domain>', 'only this destination domain')
    .action(async (opts: { status?: OutboundStatus; domain?: string }) => {
      const rows = await (await ctx.store()).outbound.list(opts);
      if (rows.length === 0) return ctx.out('the queue is empty');
      ctx.out(
        table(
          ['ID', 'STATUS', 'DOMAIN', 'FROM', 'RCPTS', 'TRIES', 'NEXT ATTEMPT', 'LAST ERROR'],
          rows.map((r) => [r.id, r.status, r.domain, r.sender || '<>', r.recipients.length, r.attempts, r.nextAttemptAt.toISOString(), r.lastError]),
        ),
      );
    });
  queue
    .command('retry <id>')
    .description('make a deferred or failed message due now (the worker picks it up)')
    .action(async (id: string) => {
      const store = await ctx.store();
      await store.outbound.retryNow(parseId(id));
      await store.audit.record({ actor: 'cli', action: 'queue.retry', target: id });
      ctx.out(`queue entry ${id} is due now`);
    });
  queue
    .command('delete <id>')
    .description('delete a message from the queue without delivering or bouncing it')
    .action(async (id: string) => {
      const store = await ctx.store();
      await store.outbound.remove(parseId(id));
      await store.audit.record({ actor: 'cli', action: 'queue.delete', target: id });
      ctx.out(`deleted queue entry ${id}`);
    });
}
