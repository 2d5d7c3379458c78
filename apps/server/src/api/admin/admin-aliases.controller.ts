import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createAliasRequest, updateAliasRequest } from '@mailstead/contracts';
import type { Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { intId, notFound, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { aliasDto } from './admin-dto';
import { adminScope, contentRange, inScope, parseListQuery, requireDomain, type AdminScope } from './admin-scope';

@Controller('admin/aliases')
@UseGuards(SessionGuard)
export class AdminAliasesController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  private async one(scope: AdminScope, id: string) {
    const alias = await this.store.admin.alias(intId(id, 'alias'));
    if (!alias || !inScope(scope, alias.domainId)) throw notFound('alias');
    return alias;
  }

  @Get()
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const scope = await adminScope(this.store, auth);
    const q = parseListQuery(query, 'source');
    const { rows, total } = await this.store.admin.aliases({ ...q, domainIds: scope.domainIds });
    contentRange(reply, 'aliases', q.offset, rows.length, total);
    return rows.map(aliasDto);
  }

  @Get(':id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return aliasDto(await this.one(await adminScope(this.store, auth), id));
  }

  @Post()
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const input = parseInput(createAliasRequest, body);
    requireDomain(scope, input.source, 'source');
    const alias = await this.store.aliases.create(input.source, input.destinations);
    await this.store.audit.record({ actor: scope.actor, action: 'alias.create', target: alias.source, details: { destinations: alias.destinations }, ip: request.ip });
    return aliasDto(alias);
  }

  @Put(':id')
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const alias = await this.one(scope, id);
    const input = parseInput(updateAliasRequest, body);
    await this.store.admin.updateAlias(alias.id, input);
    await this.store.audit.record({ actor: scope.actor, action: 'alias.update', target: alias.source, details: input, ip: request.ip });
    return aliasDto((await this.store.admin.alias(alias.id))!);
  }

  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const alias = await this.one(scope, id);
    await this.store.aliases.remove(alias.source);
    await this.store.audit.record({ actor: scope.actor, action: 'alias.delete', target: alias.source, ip: request.ip });
    return aliasDto(alias);
  }
}
