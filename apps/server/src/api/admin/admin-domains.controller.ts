import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MailsteadConfig } from '@mailstead/config';
import { createDomainRequest, updateDomainRequest } from '@mailstead/contracts';
import type { Store } from '@mailstead/store';
import { CONFIG, STORE } from '../../app/tokens';
import { DomainService } from '../../services/domain.service';
import { intId, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { domainDto, suggestedDns } from './admin-dto';
import { dnsCheckResolver, domainDnsReport } from './dns-check';
import { adminScope, contentRange, parseListQuery } from './admin-scope';

@Controller('admin/domains')
@UseGuards(SessionGuard)
export class AdminDomainsController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
    @Inject(DomainService) private readonly domains: DomainService,
  ) {}

  @Get()
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const q = parseListQuery(query, 'name');
    const { rows, total } = await this.domains.list(await adminScope(this.store, auth), q);
    contentRange(reply, 'domains', q.offset, rows.length, total);
    return rows.map(domainDto);
  }

  /** With the DNS records the domain should publish (MX, SPF, DMARC, DKIM when it has a key). */
  @Get(':id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    const domain = await this.domains.get(await adminScope(this.store, auth), intId(id, 'domain'));
    return { ...domainDto(domain), dns: suggestedDns(domain, this.config) };
  }

  /** What the domain should publish and what DNS answers for each record right now. */
  @Get(':id/dns')
  async dns(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return this.report(await this.domains.get(await adminScope(this.store, auth), intId(id, 'domain')));
  }

  /** A new DKIM key under a new selector (publish the new record); answers the DNS report. */
  @Post(':id/dkim')
  @HttpCode(200)
  async rotateDkim(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const { domain } = await this.domains.rotateDkim(await adminScope(this.store, auth, request), intId(id, 'domain'));
    return this.report(domain);
  }

  private report(domain: { name: string; dkimSelector: string | null; dkimPrivateKey: string | null }) {
    return domainDnsReport(domain, this.config, dnsCheckResolver(this.config.delivery.dnsServers));
  }

  @Post()
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    return domainDto(await this.domains.create(scope, parseInput(createDomainRequest, body).name));
  }

  @Put(':id')
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const domainId = intId(id, 'domain');
    return domainDto(await this.domains.update(scope, domainId, parseInput(updateDomainRequest, body)));
  }

  /** Removes the domain with everything in it; answers the domain as it was (with its counts). */
  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    return domainDto(await this.domains.remove(await adminScope(this.store, auth, request), intId(id, 'domain')));
  }
}
