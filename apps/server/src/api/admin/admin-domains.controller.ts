import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MailsteadConfig } from '@mailstead/config';
import { createDomainRequest, updateDomainRequest } from '@mailstead/contracts';
import type { Store } from '@mailstead/store';
import { CONFIG, STORE } from '../../app/tokens';
import { intId, notFound, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { domainDto, suggestedDns } from './admin-dto';
import { adminScope, contentRange, inScope, parseListQuery, requireFullAdmin, type AdminScope } from './admin-scope';

@Controller('admin/domains')
@UseGuards(SessionGuard)
export class AdminDomainsController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
  ) {}

  private async one(scope: AdminScope, id: string) {
    const domain = await this.store.admin.domain(intId(id, 'domain'));
    if (!domain || !inScope(scope, domain.id)) throw notFound('domain');
    return domain;
  }

  @Get()
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const scope = await adminScope(this.store, auth);
    const q = parseListQuery(query, 'name');
    const { rows, total } = await this.store.admin.domains({ ...q, domainIds: scope.domainIds });
    contentRange(reply, 'domains', q.offset, rows.length, total);
    return rows.map(domainDto);
  }

  /** With the DNS records the domain should publish (MX, SPF, DMARC, DKIM when it has a key). */
  @Get(':id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    const domain = await this.one(await adminScope(this.store, auth), id);
    return { ...domainDto(domain), dns: suggestedDns(domain, this.config.hostname) };
  }

  @Post()
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    requireFullAdmin(scope);
    const input = parseInput(createDomainRequest, body);
    const created = await this.store.domains.create(input.name);
    await this.store.audit.record({ actor: scope.actor, action: 'domain.create', target: created.name, ip: request.ip });
    return domainDto((await this.store.admin.domain(created.id))!);
  }

  @Put(':id')
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const domain = await this.one(scope, id);
    requireFullAdmin(scope);
    const input = parseInput(updateDomainRequest, body);
    if (input.enabled !== undefined) await this.store.admin.setDomainEnabled(domain.id, input.enabled);
    await this.store.audit.record({ actor: scope.actor, action: 'domain.update', target: domain.name, details: input, ip: request.ip });
    return domainDto((await this.store.admin.domain(domain.id))!);
  }

  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const domain = await this.one(scope, id);
    requireFullAdmin(scope);
    await this.store.domains.remove(domain.name);
    await this.store.audit.record({ actor: scope.actor, action: 'domain.delete', target: domain.name, ip: request.ip });
    return domainDto(domain);
  }
}
