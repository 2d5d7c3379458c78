import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MailsteadConfig } from '@mailstead/config';
import { createDomainRequest, updateDomainRequest } from '@mailstead/contracts';
import { generateDkimKey } from '@mailstead/delivery';
import type { Store } from '@mailstead/store';
import { CONFIG, STORE } from '../../app/tokens';
import { intId, notFound, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { domainDto, suggestedDns } from './admin-dto';
import { checkRecords, dnsCheckResolver, expectedRecords } from './dns-check';
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

  /** What the domain should publish and what DNS answers for each record right now. */
  @Get(':id/dns')
  async dns(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    const domain = await this.one(await adminScope(this.store, auth), id);
    return this.report(domain);
  }

  /**
   * Generates a new DKIM key (RSA-2048) under a new selector, replacing the old one: publish the
   * new record; mail is signed with the new key from now on. Answers the DNS report.
   */
  @Post(':id/dkim')
  @HttpCode(200)
  async rotateDkim(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const domain = await this.one(scope, id);
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    // A new selector each time, so the old record can stay published until caches expire.
    let selector = `ms${day}`;
    for (let n = 2; selector === domain.dkimSelector; n++) selector = `ms${day}n${n}`;
    const key = generateDkimKey(selector);
    await this.store.outbound.setDkimKey(domain.name, key.selector, key.privateKey);
    await this.store.audit.record({ actor: scope.actor, action: domain.dkimSelector ? 'dkim.rotate' : 'dkim.generate', target: domain.name, details: { selector, previous: domain.dkimSelector ?? null }, ip: request.ip });
    return this.report((await this.store.admin.domain(domain.id))!);
  }

  private async report(domain: { name: string; dkimSelector: string | null; dkimPrivateKey: string | null }) {
    const dkim = domain.dkimSelector && domain.dkimPrivateKey ? { selector: domain.dkimSelector, privateKey: domain.dkimPrivateKey } : null;
    const records = await checkRecords(expectedRecords(domain.name, this.config.hostname, dkim), dnsCheckResolver(this.config.delivery.dnsServers));
    return { records, checkedAt: new Date().toISOString() };
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
    if (input.enabled !== undefined || input.requireTotp !== undefined) await this.store.admin.updateDomain(domain.id, input);
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
