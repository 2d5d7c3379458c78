import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutboundStatus, Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { badRequest, bigId, notFound } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { auditDto, queueDto } from './admin-dto';
import { adminScope, contentRange, parseListQuery, type AdminScope } from './admin-scope';

const STATUSES: OutboundStatus[] = ['queued', 'sending', 'deferred', 'delivered', 'failed'];

/**
 * The outbound queue (rows of libs/store's outbound table, the durable side of delivery) and
 * the audit log. A domain admin sees queue rows sent from their domains, and audit entries
 * about their domains and addresses in them.
 */
@Controller('admin')
@UseGuards(SessionGuard)
export class AdminQueueController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  private domainsOf(scope: AdminScope): string[] | undefined {
    return scope.isAdmin ? undefined : scope.domains.map((d) => d.name);
  }

  private async one(scope: AdminScope, id: string) {
    const { rows } = await this.store.admin.queue({ offset: 0, limit: 1, sort: 'id', order: 'asc', ids: [bigId(id, 'queue entry')], domains: this.domainsOf(scope) });
    if (!rows[0]) throw notFound('queue entry');
    return rows[0];
  }

  @Get('queue')
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const scope = await adminScope(this.store, auth);
    const q = parseListQuery(query, 'id');
    const status = q.filter.status;
    if (status !== undefined && !STATUSES.includes(status as OutboundStatus)) throw badRequest('invalid request', { filter: [`status must be one of ${STATUSES.join(', ')}`] });
    const { rows, total } = await this.store.admin.queue({
      ...q,
      ids: q.ids?.map((i) => BigInt(i)),
      status: status as OutboundStatus | undefined,
      domains: this.domainsOf(scope),
    });
    contentRange(reply, 'queue', q.offset, rows.length, total);
    return rows.map(queueDto);
  }

  @Get('queue/:id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return queueDto(await this.one(await adminScope(this.store, auth), id));
  }

  /** Makes a queued, deferred or failed entry due now; the delivery worker picks it up. */
  @Post('queue/:id/retry')
  @HttpCode(200)
  async retry(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const entry = await this.one(scope, id);
    await this.store.outbound.retryNow(entry.id);
    await this.store.audit.record({ actor: scope.actor, action: 'queue.retry', target: entry.domain, details: { id }, ip: request.ip });
    return queueDto(await this.one(scope, id));
  }

  @Delete('queue/:id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const entry = await this.one(scope, id);
    await this.store.outbound.remove(entry.id);
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
