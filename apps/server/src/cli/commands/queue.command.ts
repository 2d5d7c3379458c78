import { Option, type Command } from 'commander';
import { Redis } from 'ioredis';
import { DeliveryQueue } from '@mailstead/delivery';
import type { OutboundStatus } from '@mailstead/store';
import { UsageError, type CliContext } from '../cli-context';
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
 * Runs `fn` against the BullMQ delivery queue of the running stack (REDIS_URL, else the embedded
 * Redis port). Redis being down is not an error: Postgres is the source of truth and the worker's
 * reconciler acts on the row within its scan interval.
 */
async function onQueue(ctx: CliContext, fn: (queue: DeliveryQueue) => Promise<void>): Promise<void> {
  const url = ctx.config.redis.url ?? `redis://127.0.0.1:${ctx.config.redis.embeddedPort}`;
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch {
    redis.disconnect();
    ctx.out('(Redis is not reachable: the worker acts on the database change when its reconciler runs)');
    return;
  }
  const queue = new DeliveryQueue(redis);
  try {
    await fn(queue);
  } finally {
    await queue.close();
    redis.disconnect();
  }
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
      const createdBefore = opts.olderThan ? new Date(Date.now() - parseAge(opts.olderThan)) : undefined;
      const rows = await (await ctx.store()).outbound.list({ status: opts.status, domain: opts.domain, sender: opts.sender, createdBefore });
      if (rows.length === 0) return ctx.out('the queue is empty');
      ctx.out(
        table(
          ['ID', 'STATUS', 'DOMAIN', 'FROM', 'RCPTS', 'TRIES', 'NEXT ATTEMPT', 'LAST ERROR'],
          rows.map((r) => [r.id, r.status, r.domain, r.sender || '<>', r.recipients.length, r.attempts, r.nextAttemptAt.toISOString(), r.lastError]),
        ),
      );
    });
  queue
    .command('show <id>')
    .description('show one outbound message: recipients and the attempt log with remote replies')
    .action(async (id: string) => {
      const row = await (await ctx.store()).outbound.show(parseId(id));
      if (!row) throw new Error(`queue entry ${id} not found`);
      ctx.out(`id ${row.id}  status ${row.status}  domain ${row.domain}  from <${row.sender}>  size ${row.size}  tries ${row.attempts}`);
      ctx.out(`queued ${row.createdAt.toISOString()}  next attempt ${row.nextAttemptAt.toISOString()}`);
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
      const store = await ctx.store();
      const outboundId = parseId(id);
      await store.outbound.retryNow(outboundId);
      await store.audit.record({ actor: 'cli', action: 'queue.retry', target: id });
      await onQueue(ctx, (q) => q.enqueue([outboundId]));
      ctx.out(`queue entry ${id} is due now`);
    });
  queue
    .command('retry-domain <domain>')
    .description('make every waiting message for a destination domain due now')
    .action(async (domain: string) => {
      const store = await ctx.store();
      const ids = await store.outbound.retryDomain(domain);
      await store.audit.record({ actor: 'cli', action: 'queue.retry-domain', target: domain.toLowerCase(), details: { count: ids.length } });
      await onQueue(ctx, (q) => q.enqueue(ids));
      ctx.out(`${ids.length} queue entr${ids.length === 1 ? 'y' : 'ies'} for ${domain.toLowerCase()} due now`);
    });
  queue
    .command('delete <id>')
    .description('delete a message from the queue without delivering or bouncing it')
    .action(async (id: string) => {
      const store = await ctx.store();
      const outboundId = parseId(id);
      await store.outbound.remove(outboundId);
      await store.audit.record({ actor: 'cli', action: 'queue.delete', target: id });
      // A job already running finds its row gone and does nothing more.
      await onQueue(ctx, async (q) => void (await q.remove(outboundId)));
      ctx.out(`deleted queue entry ${id}`);
    });
}
