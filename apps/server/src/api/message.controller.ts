import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  deleteRequest,
  flagsRequest,
  messageDetailQuery,
  moveRequest,
  searchQuery,
  type MessageDetailDto,
  type MessagePage,
} from '@mailstead/contracts';
import { decodePartBody, parseMessage, parsePartId, resolvePart } from '@mailstead/mime';
import type { Store, StoredMessage } from '@mailstead/store';
import { LOGGER, STORE } from '../app/tokens';
import type { Logger } from '../runtime/logger';
import { MessageService } from '../services/message.service';
import { badRequest, bigId, notFound, parseInput } from './api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from './auth.guard';
import { decodeCursor, encodeCursor } from './mailbox.controller';
import { contentDisposition, detailDto, summaryDto } from './message-view';
import { SearchBackfill } from './search-backfill';
import { parseSearch, SearchSyntaxError } from './search-query';

/** Attachment types a browser may show inline (cid: images in the message view). */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

@Controller()
@UseGuards(SessionGuard)
export class MessageController implements OnModuleDestroy {
  /** Finishes the indexing a search's time budget left undone (one fill per account at a time). */
  private readonly backfill: SearchBackfill;

  constructor(
    @Inject(MessageService) private readonly messages: MessageService,
    @Inject(STORE) store: Store,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.backfill = new SearchBackfill(store.searchIndex, logger.child({ role: 'api', job: 'search-index' }));
  }

  /** Before the shared store closes (onApplicationShutdown): stop the background fills and wait for them. */
  async onModuleDestroy(): Promise<void> {
    await this.backfill.stop();
  }

  private message(auth: AuthContext, id: string): Promise<StoredMessage> {
    return this.messages.get(auth.account.id, bigId(id, 'message'));
  }

  @Get('messages/:id')
  async detail(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Query() query: unknown): Promise<MessageDetailDto> {
    const q = parseInput(messageDetailQuery, query);
    const message = await this.messages.get(auth.account.id, bigId(id, 'message'), { markSeen: q.markSeen === 'true' });
    return detailDto(message, { allowRemoteImages: q.remoteImages === 'true', full: q.full === 'true' });
  }

  /** The conversation view: the thread of this message, oldest first, across the account's folders. */
  @Get('messages/:id/thread')
  async thread(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MessagePage> {
    const rows = await this.messages.thread(auth.account.id, bigId(id, 'message'));
    return { items: rows.map(summaryDto), nextCursor: null };
  }

  @Get('messages/:id/raw')
  async raw(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const message = await this.message(auth, id);
    const name = `${(message.subject || 'message').replace(/[\\/:*?"<>|\x00-\x1f]/g, '_').slice(0, 100)}.eml`;
    void reply
      .header('content-type', 'message/rfc822')
      .header('content-disposition', contentDisposition('attachment', name))
      .header('x-content-type-options', 'nosniff');
    return message.raw;
  }

  /**
   * One decoded attachment. Always a download, except images asked for inline (cid: pictures);
   * a sandboxing CSP and nosniff keep even a mislabelled HTML attachment inert.
   */
  @Get('messages/:id/attachments/:partId')
  async attachment(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Param('partId') partId: string,
    @Query('inline') inline: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const message = await this.message(auth, id);
    const parsed = parseMessage(message.raw);
    const info = parsed.attachments.find((a) => a.partId === partId);
    const path = parsePartId(partId);
    const part = info && path && path.length > 0 ? resolvePart(parsed.body, path) : null;
    if (!info || !part) throw notFound('attachment');
    const type = `${part.type}/${part.subtype}`.toLowerCase();
    const showInline = inline === 'true' && INLINE_TYPES.has(type);
    void reply
      .header('content-type', /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : 'application/octet-stream')
      .header('content-disposition', contentDisposition(showInline ? 'inline' : 'attachment', info.filename ?? `part-${partId}`))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox");
    return decodePartBody(message.raw, part);
  }

  @Post('messages/flags')
  @HttpCode(200)
  async flags(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<{ count: number }> {
    // flagsRequest holds the flag rule (libs/contracts flagProblem): 400 with a message per bad flag
    const input = parseInput(flagsRequest, body);
    return { count: await this.messages.setFlags(auth.account.id, input.ids, input.add, input.remove) };
  }

  @Post('messages/move')
  @HttpCode(200)
  move(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<{ count: number }> {
    return this.transfer(auth, body, true);
  }

  @Post('messages/copy')
  @HttpCode(200)
  copy(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<{ count: number }> {
    return this.transfer(auth, body, false);
  }

  private async transfer(auth: AuthContext, body: unknown, move: boolean): Promise<{ count: number }> {
    const input = parseInput(moveRequest, body);
    return { count: await this.messages.transfer(auth.account.id, input.ids, input.mailboxId, move) };
  }

  /** To Trash; messages already in Trash (or with `permanent`) are expunged. */
  @Post('messages/delete')
  @HttpCode(200)
  async delete(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<{ count: number }> {
    const input = parseInput(deleteRequest, body);
    return { count: await this.messages.delete(auth.account.id, input.ids, input.permanent) };
  }

  @Get('search')
  async search(@CurrentAuth() auth: AuthContext, @Query() query: unknown): Promise<MessagePage> {
    const q = parseInput(searchQuery, query);
    let parsed;
    try {
      parsed = parseSearch(q.q);
    } catch (error) {
      if (error instanceof SearchSyntaxError) throw badRequest('invalid request', { q: [error.message] });
      throw error;
    }
    let cursor: { date: Date; id: bigint } | undefined;
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      const date = new Date(c.value);
      if (Number.isNaN(date.getTime())) throw badRequest('invalid request', { cursor: ['not a cursor from this API'] });
      cursor = { date, id: c.id };
    }
    // A large unindexed backlog (bulk import, no worker running) would hold the request for
    // minutes: the fill stops after its budget, the answer says so, and the rest goes on here.
    const { rows, indexing } = await this.messages.search(auth.account.id, { mailboxId: q.mailboxId, ...parsed, limit: q.limit + 1, cursor });
    if (indexing) this.backfill.start({ accountId: auth.account.id, mailboxId: q.mailboxId });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(summaryDto),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.internalDate, last.id) : null,
      ...(indexing ? { indexing: true as const } : {}),
    };
  }
}
