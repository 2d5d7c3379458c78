import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createAliasRequest, updateAliasRequest } from '@mailstead/contracts';
import type { Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { AliasService } from '../../services/alias.service';
import { intId, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { aliasDto } from './admin-dto';
import { adminScope, contentRange, parseListQuery } from './admin-scope';

@Controller('admin/aliases')
@UseGuards(SessionGuard)
export class AdminAliasesController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(AliasService) private readonly aliases: AliasService,
  ) {}

  @Get()
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const q = parseListQuery(query, 'source');
    const { rows, total } = await this.aliases.list(await adminScope(this.store, auth), q);
    contentRange(reply, 'aliases', q.offset, rows.length, total);
    return rows.map(aliasDto);
  }

  @Get(':id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return aliasDto(await this.aliases.get(await adminScope(this.store, auth), intId(id, 'alias')));
  }

  @Post()
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const input = parseInput(createAliasRequest, body);
    return aliasDto(await this.aliases.create(scope, input.source, input.destinations));
  }

  @Put(':id')
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const aliasId = intId(id, 'alias');
    return aliasDto(await this.aliases.update(scope, aliasId, parseInput(updateAliasRequest, body)));
  }

  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    return aliasDto(await this.aliases.remove(await adminScope(this.store, auth, request), intId(id, 'alias')));
  }
}
