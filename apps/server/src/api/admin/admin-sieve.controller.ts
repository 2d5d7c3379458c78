import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSieveAdminScriptRequest, updateSieveAdminScriptRequest, type SieveAdminPlace, type SieveAdminScriptDto } from '@mailstead/contracts';
import type { SieveAdminScriptRow, Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { SieveScriptService } from '../../services/sieve-script.service';
import { intId, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { adminScope, contentRange, parseListQuery } from './admin-scope';

export function sieveAdminScriptDto(row: SieveAdminScriptRow): SieveAdminScriptDto {
  return {
    id: row.id,
    name: row.name,
    place: row.place as SieveAdminPlace,
    domain: row.domainName,
    content: row.content,
    size: Buffer.byteLength(row.content, 'utf8'),
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

const SORTABLE = new Set(['name', 'place', 'domain', 'size', 'version', 'updatedAt']);

/**
 * The console's global and per-domain Sieve scripts (Pigeonhole's sieve_before/sieve_after):
 * a server administrator sees and changes every one, a domain admin those of their domains.
 * Scripts are compiled before they are stored: a compile error is 400 with line and column.
 */
@Controller('admin/sieve-scripts')
@UseGuards(SessionGuard)
export class AdminSieveController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(SieveScriptService) private readonly scripts: SieveScriptService,
  ) {}

  @Get()
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const q = parseListQuery(query, 'name');
    let rows = (await this.scripts.adminScripts(await adminScope(this.store, auth))).map(sieveAdminScriptDto);
    if (q.q) rows = rows.filter((r) => r.name.toLowerCase().includes(q.q!.toLowerCase()) || (r.domain ?? 'global').includes(q.q!.toLowerCase()));
    if (q.ids) rows = rows.filter((r) => q.ids!.includes(r.id));
    const key = (SORTABLE.has(q.sort) ? q.sort : 'name') as keyof SieveAdminScriptDto;
    const value = (r: SieveAdminScriptDto) => r[key] ?? '';
    rows.sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : a.id - b.id) * (q.order === 'desc' ? -1 : 1));
    const page = rows.slice(q.offset, q.offset + q.limit);
    contentRange(reply, 'sieve-scripts', q.offset, page.length, rows.length);
    return page;
  }

  @Get(':id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return sieveAdminScriptDto(await this.scripts.adminScript(await adminScope(this.store, auth), intId(id, 'script')));
  }

  @Post()
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    return sieveAdminScriptDto(await this.scripts.createAdmin(scope, parseInput(createSieveAdminScriptRequest, body)));
  }

  @Put(':id')
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const scriptId = intId(id, 'script');
    return sieveAdminScriptDto(await this.scripts.updateAdmin(scope, scriptId, parseInput(updateSieveAdminScriptRequest, body)));
  }

  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    return sieveAdminScriptDto(await this.scripts.removeAdminById(await adminScope(this.store, auth, request), intId(id, 'script')));
  }
}
