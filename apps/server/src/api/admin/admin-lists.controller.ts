import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createListRequest, moderationRejectRequest, updateListRequest } from '@mailstead/contracts';
import { parseMessage } from '@mailstead/mime';
import type { ModerationRow, Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { ListService } from '../../services/list.service';
import { intId, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { listDto } from './admin-dto';
import { adminScope, contentRange, parseListQuery } from './admin-scope';

@Controller('admin/lists')
@UseGuards(SessionGuard)
export class AdminListsController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(ListService) private readonly lists: ListService,
  ) {}

  @Get()
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const q = parseListQuery(query, 'address');
    const { rows, total } = await this.lists.list(await adminScope(this.store, auth), q);
    contentRange(reply, 'lists', q.offset, rows.length, total);
    return rows.map(listDto);
  }

  /** Posts held for the list, pending ones first (then the decided ones, newest first). */
  @Get(':id/moderation')
  async moderation(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return (await this.lists.heldPosts(await adminScope(this.store, auth), intId(id, 'list'))).map(moderationDto);
  }

  /** One held post with its header block and text (for reading before deciding). */
  @Get(':id/moderation/:itemId')
  async moderationItem(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('itemId') itemId: string) {
    const item = await this.lists.heldPost(await adminScope(this.store, auth), intId(id, 'list'), intId(itemId, 'held post'));
    const parsed = parseMessage(item.raw);
    return {
      ...moderationDto({ ...item, head: item.raw }),
      headers: item.raw.subarray(0, parsed.headerEnd).toString('utf8').trimEnd(),
      text: parsed.text.slice(0, 100_000),
    };
  }

  /** Sends the post to the list's current members (local copies and outbound rows, as SMTP would). */
  @Post(':id/moderation/:itemId/approve')
  @HttpCode(200)
  async approve(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('itemId') itemId: string, @Req() request: FastifyRequest) {
    const result = await this.lists.approve(await adminScope(this.store, auth, request), intId(id, 'list'), intId(itemId, 'held post'));
    return { ok: true as const, ...result };
  }

  /** Drops the post and tells the sender (with the reason, when given). */
  @Post(':id/moderation/:itemId/reject')
  @HttpCode(200)
  async reject(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('itemId') itemId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const input = parseInput(moderationRejectRequest, body);
    await this.lists.reject(await adminScope(this.store, auth, request), intId(id, 'list'), intId(itemId, 'held post'), input.reason ? input.reason : null);
    return { ok: true as const };
  }

  /** Clears a member's bounce count and re-enables it (404 when it is not a direct member). */
  @Post(':id/members/:address/reset-bounces')
  @HttpCode(200)
  async resetBounces(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('address') address: string, @Req() request: FastifyRequest) {
    const { member } = await this.lists.resetBounces(await adminScope(this.store, auth, request), intId(id, 'list'), address);
    return { address: member, bounceCount: 0, lastBounceAt: null, disabledAt: null };
  }

  @Get(':id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return listDto(await this.lists.get(await adminScope(this.store, auth), intId(id, 'list')));
  }

  @Post()
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    return listDto(await this.lists.create(scope, parseInput(createListRequest, body)));
  }

  /** Changes the fields given; `members`, when given, replaces the member list. The address cannot change (400). */
  @Put(':id')
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const listId = intId(id, 'list');
    return listDto(await this.lists.update(scope, listId, parseInput(updateListRequest, body)));
  }

  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    return listDto(await this.lists.remove(await adminScope(this.store, auth, request), intId(id, 'list')));
  }
}

function moderationDto(r: ModerationRow) {
  const parsed = parseMessage(r.head);
  return {
    id: r.id,
    sender: r.sender,
    subject: parsed.subject,
    preview: parsed.preview,
    size: r.size,
    status: r.status,
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
  };
}
