import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pauseDomainRequest, queueBulkRequest } from '@mailstead/contracts';
import type { OutboundStatus, Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { ApiException, badRequest, bigId, notFound, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { auditDto, queueDetailDto, queueDto } from './admin-dto';
import { AdminMailService } from './admin-mail.service';
import { adminScope, contentRange, parseListQuery, requireFullAdmin, type AdminScope } from './admin-scope';

const STATUSES: OutboundStatus[] = ['queued', 'sending', 'deferred', 'delivered', 'failed'];
/** Most entries one bulk request touches. */
const BULK_LIMIT = 10_000;

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000);

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
    @Inject(AdminMailService) private readonly mail: AdminMailService,
  ) {}

  private domainsOf(scope: AdminScope): string[] | undefined {
    return scope.isAdmin ? undefined : scope.domains.map((d) => d.name);
  }

  private async one(scope: AdminScope, id: string) {
    const { rows } = await this.store.admin.queue({ offset: 0, limit: 1, sort: 'id', order: 'asc', ids: [bigId(id, 'queue entry')], domains: this.domainsOf(scope) });
    if (!rows[0]) throw notFound('queue entry');
    return rows[0];
  }

  private async detail(id: bigint) {
    const detail = await this.store.outbound.show(id);
    if (!detail) throw notFound('queue entry');
    return queueDetailDto(detail);
  }

  /** filter: status, q (destination domain, substring), domain (exact), sender (substring), olderThanHours. */
  @Get('queue')
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const scope = await adminScope(this.store, auth);
    const q = parseListQuery(query, 'id');
    const { status, domain, sender, olderThanHours } = q.filter;
    if (status !== undefined && !STATUSES.includes(status as OutboundStatus)) throw badRequest('invalid request', { filter: [`status must be one of ${STATUSES.join(', ')}`] });
    if (olderThanHours !== undefined && (typeof olderThanHours !== 'number' || olderThanHours < 0)) throw badRequest('invalid request', { filter: ['olderThanHours must be a number of hours'] });
    const { rows, total } = await this.store.admin.queue({
      ...q,
      domain: typeof domain === 'string' && domain !== '' ? domain : undefined,
      ids: q.ids?.map((i) => BigInt(i)),
      status: status as OutboundStatus | undefined,
      sender: typeof sender === 'string' && sender !== '' ? sender : undefined,
      createdBefore: typeof olderThanHours === 'number' ? hoursAgo(olderThanHours) : undefined,
      domains: this.domainsOf(scope),
    });
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
    const scope = await adminScope(this.store, auth);
    const input = parseInput(queueBulkRequest, body);
    const f = input.filter;
    const ids = await this.store.admin.queueIds({
      ids: input.ids?.map((i) => BigInt(i)),
      status: f?.status ? [f.status] : input.action === 'retry' ? ['queued', 'deferred', 'failed'] : input.action === 'bounce' ? ['queued', 'deferred'] : undefined,
      domain: f?.domain,
      sender: f?.sender,
      createdBefore: f?.olderThanHours !== undefined ? hoursAgo(f.olderThanHours) : undefined,
      senderDomains: this.domainsOf(scope),
      limit: BULK_LIMIT,
    });
    let done = 0;
    const retried: bigint[] = [];
    for (const id of ids) {
      try {
        switch (input.action) {
          case 'retry':
            await this.store.outbound.retryNow(id);
            retried.push(id);
            break;
          case 'delete':
            await this.mail.queueService().delete(id);
            break;
          case 'bounce':
            if (!(await this.mail.bounce(id, scope.actor))) continue;
            break;
        }
        done += 1;
      } catch {
        // a row that changed meanwhile (delivered, deleted): counted as failed below
      }
    }
    if (retried.length > 0) await this.mail.enqueue(retried);
    await this.store.audit.record({ actor: scope.actor, action: `queue.bulk.${input.action}`, target: f?.domain ?? null, details: { filter: f ?? null, ids: input.ids?.length ?? null, matched: ids.length, done }, ip: request.ip });
    return { matched: ids.length, done, failed: ids.length - done };
  }

  /** Destination domains whose delivery is paused (libs/delivery: their entries are not attempted). */
  @Get('queue/paused')
  async paused(@CurrentAuth() auth: AuthContext) {
    await adminScope(this.store, auth);
    return (await this.mail.queueService().pausedDomains()).map((p) => ({ domain: p.domain, pausedAt: p.pausedAt.toISOString(), reason: p.reason }));
  }

  /** Pauses delivery to a destination domain (a server-wide setting: administrators only). */
  @Post('queue/paused')
  @HttpCode(200)
  async pause(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    requireFullAdmin(scope);
    const input = parseInput(pauseDomainRequest, body);
    await this.mail.queueService().pauseDomain(input.domain, input.reason ?? null);
    await this.store.audit.record({ actor: scope.actor, action: 'queue.pause', target: input.domain, details: { reason: input.reason ?? null }, ip: request.ip });
    return { ok: true as const };
  }

  /** Resumes a paused destination domain; its due entries go on the delivery queue at once. */
  @Delete('queue/paused/:domain')
  async resume(@CurrentAuth() auth: AuthContext, @Param('domain') domain: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    requireFullAdmin(scope);
    const enqueued = await this.mail.queueService().resumeDomain(domain);
    await this.store.audit.record({ actor: scope.actor, action: 'queue.resume', target: domain.toLowerCase(), details: { enqueued }, ip: request.ip });
    return { ok: true as const, enqueued };
  }

  /** The entry with its recipients and attempt log (host, result, the remote's reply). */
  @Get('queue/:id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    const entry = await this.one(await adminScope(this.store, auth), id);
    return this.detail(entry.id);
  }

  /** Makes a queued, deferred or failed entry due now and puts it on the delivery queue at once. */
  @Post('queue/:id/retry')
  @HttpCode(200)
  async retry(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const entry = await this.one(scope, id);
    if (entry.status === 'delivered' || entry.status === 'sending') throw new ApiException(409, 'conflict', `this entry is ${entry.status}`);
    await this.mail.queueService().retry(entry.id);
    await this.store.audit.record({ actor: scope.actor, action: 'queue.retry', target: entry.domain, details: { id }, ip: request.ip });
    return this.detail(entry.id);
  }

  /** Gives up on a waiting entry now: its recipients fail and the sender gets a DSN. */
  @Post('queue/:id/bounce')
  @HttpCode(200)
  async bounce(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const entry = await this.one(scope, id);
    if (!(await this.mail.bounce(entry.id, scope.actor))) throw new ApiException(409, 'conflict', `this entry is ${entry.status}; only waiting entries can be bounced`);
    await this.store.audit.record({ actor: scope.actor, action: 'queue.bounce', target: entry.domain, details: { id, sender: entry.sender }, ip: request.ip });
    return this.detail(entry.id);
  }

  @Delete('queue/:id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const entry = await this.one(scope, id);
    await this.mail.queueService().delete(entry.id);
    await this.store.audit.record({ actor: scope.actor, action: 'queue.delete', target: entry.domain, details: { id }, ip: request.ip });
    return queueDto(entry);
  }

  @Get('audit')
  async audit(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const scope = await adminScope(this.store, auth);
    const q = parseListQuery(query, 'id');
    const { rows, total } = await this.store.admin.audit({ ...q, order: q.sort === 'id' && !(query as { sort?: string }).sort ? 'desc' : q.order, domains: this.domainsOf(scope) });
    contentRange(reply, 'audit', q.offset, rows.length, total);
    return rows.map(auditDto);
  }
}
