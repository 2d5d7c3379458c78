import { Option, type Command } from 'commander';
import { DeliveryQueue, QueueService } from '@mailstead/delivery';
import { awaitsAttempt } from '@mailstead/contracts';
import { forwardingFor } from '@mailstead/pipeline';
import type { OutboundStatus } from '@mailstead/store';
import { serverSecret } from '../../runtime/secret';
import { QueueAdminService } from '../../services/queue-admin.service';
import { UsageError, type CliContext } from '../cli-context';
import { scope } from '../cli-services';
import { table } from '../table';

function parseId(id: string): bigint {
  if (!/^\d+$/.test(id)) throw new UsageError(`queue id "${id}" is not a number`);
  return BigInt(id);
}

/** "30m", "2h", "3d" -> milliseconds. */
function parseAge(text: string): number {
  const m = /^(\d+)([mhd])$/.exec(text);
  if (!m) throw new UsageError(`age "${text}" is not like 30m, 2h or 3d`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}

/**
 * Runs `fn` with the admin queue service over libs/delivery's QueueService, whose producer is
 * the BullMQ delivery queue of the running stack. Redis being down is not an error: Postgres is
 * the source of truth and the worker's reconciler acts on the row within its scan interval.
 */
async function withService<T>(ctx: CliContext, fn: (queue: QueueAdminService) => Promise<T>): Promise<T> {
  const store = await ctx.store();
  const redis = await ctx.redis();
  const queue = redis ? new DeliveryQueue(redis) : null;
  if (!queue) ctx.out('(Redis is not reachable: the worker acts on the database change when its reconciler runs)');
  try {
    // an operator's bounce of a forwarded entry goes back through its SRS sender, as the worker's DSNs do
    const service = new QueueService({ store, config: ctx.config, queue, forwarding: forwardingFor(store, ctx.config, serverSecret(ctx.config)) });
    return await fn(new QueueAdminService(store, () => service));
  } finally {
    await queue?.close();
  }
}

/** The service without a queue producer, for commands that only read. */
async function readOnly(ctx: CliContext): Promise<QueueService> {
  return new QueueService({ store: await ctx.store(), config: ctx.config, queue: null });
}

export function queueCommand(program: Command, ctx: CliContext): void {
  const queue = program.command('queue').description('inspect and operate the outbound queue');
  queue
    .command('list')
    .description('list outbound messages')
    .addOption(new Option('-s, --status <status>', 'only this status').choices(['queued', 'sending', 'deferred', 'delivered', 'failed']))
    .option('-d, --domain <domain>', 'only this destination domain')
    .option('-f, --sender <address>', 'only this envelope sender ("" for bounces)')
    .option('-o, --older-than <age>', 'only messages queued longer ago than this (30m, 2h, 3d)')
    .action(async (opts: { status?: OutboundStatus; domain?: string; sender?: string; olderThan?: string }) => {
      const olderThanMs = opts.olderThan ? parseAge(opts.olderThan) : undefined;
      const rows = await (await readOnly(ctx)).list({ status: opts.status, domain: opts.domain, sender: opts.sender, olderThanMs });
      if (rows.length === 0) return ctx.out('the queue is empty');
      ctx.out(
        table(
          ['ID', 'STATUS', 'DOMAIN', 'FROM', 'RCPTS', 'TRIES', 'NEXT ATTEMPT', 'LAST ERROR'],
          rows.map((r) => [r.id, r.status, r.domain, r.sender || '<>', r.recipients.length, r.attempts, awaitsAttempt(r.status) ? r.nextAttemptAt.toISOString() : '', r.lastError]),
        ),
      );
    });
  queue
    .command('show <id>')
    .description('show one outbound message: recipients and the attempt log with remote replies')
    .action(async (id: string) => {
      const row = await (await readOnly(ctx)).show(parseId(id));
      if (!row) throw new Error(`queue entry ${id} not found`);
      ctx.out(`id ${row.id}  status ${row.status}  domain ${row.domain}  from <${row.sender}>  size ${row.size}  tries ${row.attempts}`);
      ctx.out(`queued ${row.createdAt.toISOString()}${awaitsAttempt(row.status) ? `  next attempt ${row.nextAttemptAt.toISOString()}` : ''}`);
      ctx.out();
      ctx.out(table(['RECIPIENT', 'STATUS', 'CODE', 'REPLY'], row.recipientDetails.map((r) => [r.address, r.status, r.smtpCode, r.response])));
      if (row.attemptLog.length > 0) {
        ctx.out();
        ctx.out(table(['AT', 'HOST', 'RESULT', 'REPLY'], row.attemptLog.map((a) => [a.at.toISOString(), a.host, a.result, a.response])));
      }
    });
  queue
    .command('retry <id>')
    .description('make a deferred or failed message due now and queue it for the worker')
    .action(async (id: string) => {
      const outboundId = parseId(id);
      await withService(ctx, (q) => q.retry(scope, outboundId));
      ctx.out(`queue entry ${id} is due now`);
    });
  queue
    .command('retry-domain <domain>')
    .description('make every waiting message for a destination domain due now')
    .action(async (domain: string) => {
      const count = await withService(ctx, (q) => q.retryDomain(scope, domain));
      ctx.out(`${count} queue entr${count === 1 ? 'y' : 'ies'} for ${domain.toLowerCase()} due now`);
    });
  queue
    .command('delete <id>')
    .description('delete a message from the queue without delivering or bouncing it')
    .action(async (id: string) => {
      const outboundId = parseId(id);
      // A job already running finds its row gone and does nothing more.
      await withService(ctx, (q) => q.delete(scope, outboundId));
      ctx.out(`deleted queue entry ${id}`);
    });
  queue
    .command('bounce <id>')
    .description('fail a waiting message now and send its sender a delivery status notification')
    .option('-r, --reason <text>', 'reason given in the bounce', 'returned to the sender by the mail administrator')
    .action(async (id: string, opts: { reason: string }) => {
      const outboundId = parseId(id);
      const count = await withService(ctx, (q) => q.bounce(scope, outboundId, opts.reason));
      ctx.out(`bounced queue entry ${id} (${count} recipient${count === 1 ? '' : 's'})`);
    });
  queue
    .command('pause <domain>')
    .description('stop delivering to a destination domain; its messages stay queued')
    .option('-r, --reason <text>', 'why (shown by "queue paused")')
    .action(async (domain: string, opts: { reason?: string }) => {
      await withService(ctx, (q) => q.pause(scope, domain, opts.reason ?? null));
      ctx.out(`delivery to ${domain.toLowerCase()} is paused`);
    });
  queue
    .command('resume <domain>')
    .description('resume delivery to a paused destination domain and queue its due messages')
    .action(async (domain: string) => {
      const count = await withService(ctx, (q) => q.resume(scope, domain));
      ctx.out(`delivery to ${domain.toLowerCase()} resumed; ${count} queue entr${count === 1 ? 'y' : 'ies'} queued`);
    });
  queue
    .command('paused')
    .description('list paused destination domains')
    .action(async () => {
      const rows = await (await ctx.store()).outbound.pausedDomains();
      if (rows.length === 0) return ctx.out('no domain is paused');
      ctx.out(table(['DOMAIN', 'PAUSED AT', 'REASON'], rows.map((r) => [r.domain, r.pausedAt.toISOString(), r.reason])));
    });
  queue
    .command('stats')
    .description('queue counters from the database: queued, sending, deferred, delivered, bounced')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const stats = await (await readOnly(ctx)).stats();
      if (opts.json) return ctx.out(JSON.stringify(stats));
      ctx.out(
        table(
          ['', 'QUEUED', 'SENDING', 'DEFERRED', 'DELIVERED', 'BOUNCED'],
          [
            ['messages', stats.queued, stats.sending, stats.deferred, stats.delivered, stats.bounced],
            ['recipients', stats.recipients.pending, '', stats.recipients.deferred, stats.recipients.delivered, stats.recipients.failed],
          ],
        ),
      );
      if (stats.pausedDomains.length > 0) ctx.out(`paused: ${stats.pausedDomains.join(', ')}`);
    });
}
