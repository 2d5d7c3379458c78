import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createListRequest, moderationRejectRequest, updateListRequest } from '@mailstead/contracts';
import { parseMessage } from '@mailstead/mime';
import type { ModerationRow, Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { ApiException, intId, notFound, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { listDto } from './admin-dto';
import { AdminMailService } from './admin-mail.service';
import { adminScope, contentRange, inScope, parseListQuery, requireDomain, type AdminScope } from './admin-scope';

@Controller('admin/lists')
@UseGuards(SessionGuard)
export class AdminListsController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(AdminMailService) private readonly mail: AdminMailService,
  ) {}

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

  /** Posts held for the list, pending ones first (then the decided ones, newest first). */
  @Get(':id/moderation')
  async moderation(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    const list = await this.one(await adminScope(this.store, auth), id);
    const rows = await this.store.admin.moderationItems(list.id);
    const pending = rows.filter((r) => r.status === 'pending');
    const decided = rows.filter((r) => r.status !== 'pending').reverse();
    return [...pending, ...decided].map(moderationDto);
  }

  /** One held post with its header block and text (for reading before deciding). */
  @Get(':id/moderation/:itemId')
  async moderationItem(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('itemId') itemId: string) {
    const { item } = await this.heldItem(auth, id, itemId);
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
    const { scope, list, item } = await this.heldItem(auth, id, itemId, true);
    const result = await this.mail.approve(item.id);
    await this.store.audit.record({ actor: scope.actor, action: 'list.moderation.approve', target: list.address, details: { item: item.id, sender: item.sender, ...result }, ip: request.ip });
    return { ok: true as const, ...result };
  }

  /** Drops the post and tells the sender (with the reason, when given). */
  @Post(':id/moderation/:itemId/reject')
  @HttpCode(200)
  async reject(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('itemId') itemId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const input = parseInput(moderationRejectRequest, body);
    const { scope, list, item } = await this.heldItem(auth, id, itemId, true);
    const reason = input.reason ? input.reason : null;
    await this.mail.reject(item, list.address, reason);
    await this.store.audit.record({ actor: scope.actor, action: 'list.moderation.reject', target: list.address, details: { item: item.id, sender: item.sender, reason }, ip: request.ip });
    return { ok: true as const };
  }

  private async heldItem(auth: AuthContext, id: string, itemId: string, pendingOnly = false) {
    const scope = await adminScope(this.store, auth);
    const list = await this.one(scope, id);
    const item = await this.store.admin.moderationItem(intId(itemId, 'held post'));
    if (!item || item.listId !== list.id) throw notFound('held post');
    if (pendingOnly && item.status !== 'pending') throw new ApiException(409, 'conflict', `this post was already ${item.status}`);
    return { scope, list, item };
  }

  /**
   * Clears a member's bounce count and re-enables it when it was disabled for bouncing. The
   * address is matched case-insensitively; 404 when it is not a direct member of the list.
   */
  @Post(':id/members/:address/reset-bounces')
  @HttpCode(200)
  async resetBounces(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('address') address: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const list = await this.one(scope, id);
    const key = address.trim().toLowerCase();
    const before = list.members.find((m) => m.address === key);
    if (!before || !(await this.store.listBounces.reset(list.id, key))) throw notFound('member');
    await this.store.audit.record({
      actor: scope.actor,
      action: 'list.member.reset-bounces',
      target: list.address,
      details: { member: key, bounceCount: before.bounceCount, disabledAt: before.disabledAt?.toISOString() ?? null },
      ip: request.ip,
    });
    return { address: key, bounceCount: 0, lastBounceAt: null, disabledAt: null };
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
