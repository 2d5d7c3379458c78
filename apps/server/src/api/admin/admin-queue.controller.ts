import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pauseDomainRequest, queueBulkRequest } from '@mailstead/contracts';
import type { OutboundStatus, Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { AuditLogService } from '../../services/audit-log.service';
import { QueueAdminService } from '../../services/queue-admin.service';
import { badRequest, bigId, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { auditDto, queueDetailDto, queueDto } from './admin-dto';
import { adminScope, contentRange, parseListQuery } from './admin-scope';

const STATUSES: OutboundStatus[] = ['queued', 'sending', 'deferred', 'delivered', 'failed'];

/**
 * The outbound queue (rows of libs/store's outbound table, the durable side of delivery) and
 * the audit log. A domain admin sees queue rows sent from their domains, and audit entries
 * about their domains and addresses in them.
 */
@Controller('admin')
@UseGuards(SessionGuard)
export class AdminQueueController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(QueueAdminService) private readonly queue: QueueAdminService,
    @Inject(AuditLogService) private readonly auditLog: AuditLogService,
  ) {}

  /** filter: status, q (destination domain, substring), domain (exact), sender (substring), olderThanHours. */
  @Get('queue')
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const scope = await adminScope(this.store, auth);
    const q = parseListQuery(query, 'id');
    const { status, domain, sender, olderThanHours } = q.filter;
    if (status !== undefined && !STATUSES.includes(status as OutboundStatus)) throw badRequest('invalid request', { filter: [`status must be one of ${STATUSES.join(', ')}`] });
    if (olderThanHours !== undefined && (typeof olderThanHours !== 'number' || olderThanHours < 0)) throw badRequest('invalid request', { filter: ['olderThanHours must be a number of hours'] });
    const { rows, total } = await this.queue.list(
      scope,
      { ...q, ids: q.ids?.map((i) => BigInt(i)) },
      {
        status: status as OutboundStatus | undefined,
        domain: typeof domain === 'string' && domain !== '' ? domain : undefined,
        sender: typeof sender === 'string' && sender !== '' ? sender : undefined,
        olderThanHours: olderThanHours as number | undefined,
      },
    );
    contentRange(reply, 'queue', q.offset, rows.length, total);
    return rows.map(queueDto);
  }

  /**
   * One action on a selection or on everything a filter matches. Registered before
   * `queue/:id` routes so "bulk" is never read as an id.
   */
  @Post('queue/bulk')
  @HttpCode(200)
  async bulk(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const input = parseInput(queueBulkRequest, body);
    return this.queue.bulk(scope, input.action, { ids: input.ids?.map((i) => BigInt(i)), filter: input.filter });
  }

  /** Destination domains whose delivery is paused (libs/delivery: their entries are not attempted). */
  @Get('queue/paused')
  async paused(@CurrentAuth() auth: AuthContext) {
    const rows = await this.queue.paused(await adminScope(this.store, auth));
    return rows.map((p) => ({ domain: p.domain, pausedAt: p.pausedAt.toISOString(), reason: p.reason }));
  }

  /** Pauses delivery to a destination domain (a server-wide setting: administrators only). */
  @Post('queue/paused')
  @HttpCode(200)
  async pause(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const input = parseInput(pauseDomainRequest, body);
    await this.queue.pause(scope, input.domain, input.reason ?? null);
    return { ok: true as const };
  }

  /** Resumes a paused destination domain; its due entries go on the delivery queue at once. */
  @Delete('queue/paused/:domain')
  async resume(@CurrentAuth() auth: AuthContext, @Param('domain') domain: string, @Req() request: FastifyRequest) {
    const enqueued = await this.queue.resume(await adminScope(this.store, auth, request), domain);
    return { ok: true as const, enqueued };
  }

  /** The entry with its recipients and attempt log (host, result, the remote's reply). */
  @Get('queue/:id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return queueDetailDto(await this.queue.detail(await adminScope(this.store, auth), bigId(id, 'queue entry')));
  }

  /** Makes a queued, deferred or failed entry due now and puts it on the delivery queue at once. */
  @Post('queue/:id/retry')
  @HttpCode(200)
  async retry(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const entry = await this.queue.retry(scope, bigId(id, 'queue entry'));
    return queueDetailDto(await this.queue.detail(scope, entry.id));
  }

  /** Gives up on a waiting entry now: its recipients fail and the sender gets a DSN. */
  @Post('queue/:id/bounce')
  @HttpCode(200)
  async bounce(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const entryId = bigId(id, 'queue entry');
    await this.queue.bounce(scope, entryId);
    return queueDetailDto(await this.queue.detail(scope, entryId));
  }

  @Delete('queue/:id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    return queueDto(await this.queue.delete(await adminScope(this.store, auth, request), bigId(id, 'queue entry')));
  }

  @Get('audit')
  async audit(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const scope = await adminScope(this.store, auth);
    const q = parseListQuery(query, 'id');
    const { rows, total } = await this.auditLog.list(scope, { ...q, order: q.sort === 'id' && !(query as { sort?: string }).sort ? 'desc' : q.order });
    contentRange(reply, 'audit', q.offset, rows.length, total);
    return rows.map(auditDto);
  }
}
