import { Body, Controller, Delete, Get, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { createMailboxRequest, messageListQuery, updateMailboxRequest, type MailboxDto, type MessagePage } from '@mailstead/contracts';
import type { MailboxInfo } from '@mailstead/store';
import { MailboxService } from '../services/mailbox.service';
import { badRequest, intId, parseInput } from './api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from './auth.guard';
import { summaryDto } from './message-view';

export const mailboxDto = (m: MailboxInfo): MailboxDto => ({
  id: m.id,
  name: m.name,
  specialUse: m.specialUse,
  subscribed: m.subscribed,
  total: m.messageCount,
  unread: m.unseenCount,
  size: Number(m.totalSize),
});

/** Cursor = base64url of [sort value, message id] of the last row of the page before. */
export function encodeCursor(value: unknown, id: bigint): string {
  const v = value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? Number(value) : value;
  return Buffer.from(JSON.stringify([v, id.toString()])).toString('base64url');
}

export function decodeCursor(cursor: string): { value: string | number; id: bigint } {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    if ((typeof value === 'string' || typeof value === 'number') && typeof id === 'string' && /^[1-9]\d{0,18}$/.test(id)) return { value, id: BigInt(id) };
  } catch {
    // fall through
  }
  throw badRequest('invalid request', { cursor: ['not a cursor from this API'] });
}

@Controller('mailboxes')
@UseGuards(SessionGuard)
export class MailboxController {
  constructor(@Inject(MailboxService) private readonly mailboxes: MailboxService) {}

  @Get()
  async list(@CurrentAuth() auth: AuthContext): Promise<MailboxDto[]> {
    return (await this.mailboxes.list(auth.account.id)).map(mailboxDto);
  }

  @Post()
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<MailboxDto> {
    const input = parseInput(createMailboxRequest, body);
    return mailboxDto(await this.mailboxes.create(auth.account.id, input.name));
  }

  @Patch(':id')
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<MailboxDto> {
    const mailboxId = intId(id, 'mailbox');
    return mailboxDto(await this.mailboxes.update(auth.account.id, mailboxId, parseInput(updateMailboxRequest, body)));
  }

  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<{ ok: true }> {
    await this.mailboxes.remove(auth.account.id, intId(id, 'mailbox'));
    return { ok: true };
  }

  @Get(':id/messages')
  async messages(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Query() query: unknown): Promise<MessagePage> {
    const mailboxId = intId(id, 'mailbox');
    const q = parseInput(messageListQuery, query);
    const flag = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');
    const rows = await this.mailboxes.messages(auth.account.id, mailboxId, {
      sort: q.sort,
      order: q.order,
      limit: q.limit + 1,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      unread: flag(q.unread),
      flagged: flag(q.flagged),
      hasAttachment: flag(q.hasAttachment),
      threads: q.threads === 'true',
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page.map(summaryDto), nextCursor: rows.length > q.limit && last ? encodeCursor(last.sort_key, last.id) : null };
  }
}
