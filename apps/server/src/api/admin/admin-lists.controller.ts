import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createListRequest, updateListRequest } from '@mailstead/contracts';
import type { Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { intId, notFound, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { listDto } from './admin-dto';
import { adminScope, contentRange, inScope, parseListQuery, requireDomain, type AdminScope } from './admin-scope';

@Controller('admin/lists')
@UseGuards(SessionGuard)
export class AdminListsController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  private async one(scope: AdminScope, id: string) {
    const list = await this.store.admin.list(intId(id, 'list'));
    if (!list || !inScope(scope, list.domainId)) throw notFound('list');
    return list;
  }

  @Get()
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const scope = await adminScope(this.store, auth);
    const q = parseListQuery(query, 'address');
    const { rows, total } = await this.store.admin.lists({ ...q, domainIds: scope.domainIds });
    contentRange(reply, 'lists', q.offset, rows.length, total);
    return rows.map(listDto);
  }

  @Get(':id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return listDto(await this.one(await adminScope(this.store, auth), id));
  }

  @Post()
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const input = parseInput(createListRequest, body);
    requireDomain(scope, input.address, 'address');
    const created = await this.store.lists.create({
      address: input.address,
      name: input.name,
      policy: input.policy,
      replyTo: input.replyTo,
      subjectPrefix: input.subjectPrefix ?? null,
    });
    if (input.members.length > 0) await this.store.admin.updateList(created.id, {}, input.members);
    await this.store.audit.record({ actor: scope.actor, action: 'list.create', target: created.address, details: { members: input.members.length }, ip: request.ip });
    return listDto((await this.store.admin.list(created.id))!);
  }

  /** Updates settings; `members`, when given, replaces the member list. */
  @Put(':id')
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const list = await this.one(scope, id);
    const { members, ...settings } = parseInput(updateListRequest, body);
    await this.store.admin.updateList(list.id, settings, members);
    await this.store.audit.record({ actor: scope.actor, action: 'list.update', target: list.address, details: { ...settings, members: members?.length }, ip: request.ip });
    return listDto((await this.store.admin.list(list.id))!);
  }

  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const list = await this.one(scope, id);
    await this.store.admin.removeList(list.id);
    await this.store.audit.record({ actor: scope.actor, action: 'list.delete', target: list.address, ip: request.ip });
    return listDto(list);
  }
}
