import { Controller, Get, Inject, Req, Res, UseGuards, type BeforeApplicationShutdown } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeFeed, MailboxChange } from '@mailstead/store';
import { CHANGE_FEED } from '../app/tokens';
import { MailboxService } from '../services/mailbox.service';
import { CurrentAuth, SessionGuard, type AuthContext } from './auth.guard';
import { mailboxDto } from './mailbox.controller';

/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

/**
 * GET /api/events: Server-Sent Events (HTML Living Standard 9.2) with the logged-in account's
 * mailbox changes, fed by the store's LISTEN/NOTIFY change feed, so a change made by any
 * process (SMTP delivery, IMAP, another API node) shows up. Events:
 *   change  {mailboxId, kind, modseq, total, unread}   id: <mailboxId>:<modseq>
 *   sync    {mailboxes: [...]}  after a reconnect (Last-Event-ID) or a lost feed connection:
 *           changes may have been missed, so the client re-reads what it shows.
 */
@Controller('events')
@UseGuards(SessionGuard)
export class EventsController implements BeforeApplicationShutdown {
  /** Open streams, ended before the HTTP server closes (it would otherwise wait for them). */
  private readonly streams = new Set<() => void>();

  constructor(
    @Inject(MailboxService) private readonly mailboxes: MailboxService,
    @Inject(CHANGE_FEED) private readonly feed: ChangeFeed,
  ) {}

  @Get()
  async stream(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const accountId = auth.account.id;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(request.id),
    });
    let open = true;
    const send = (event: string, data: unknown, id?: string) => {
      if (!open) return;
      res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // Changes are sent in the order they arrived, each with the mailbox's counts after it.
    let queue = Promise.resolve();
    const enqueue = (fn: () => Promise<void>) => {
      queue = queue.then(fn).catch(() => undefined);
    };
    const sync = () =>
      enqueue(async () => send('sync', { mailboxes: (await this.mailboxes.list(accountId)).map(mailboxDto) }));
    const onChange = (change: MailboxChange) =>
      enqueue(async () => {
        const box = await this.mailboxes.find(accountId, change.mailboxId);
        send(
          'change',
          { mailboxId: change.mailboxId, kind: change.kind, modseq: change.modseq, total: box?.messageCount ?? null, unread: box?.unseenCount ?? null },
          `${change.mailboxId}:${change.modseq}`,
        );
      });
    const unsubscribe = [this.feed.onAccount(accountId, onChange), this.feed.onResync(sync)];
    const heartbeat = setInterval(() => open && res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const close = () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      unsubscribe.forEach((off) => off());
      this.streams.delete(end);
    };
    const end = () => {
      close();
      res.end();
    };
    this.streams.add(end);
    request.raw.on('close', close);
    res.on('close', close);
    res.write('retry: 3000\n\n');
    if (request.headers['last-event-id'] !== undefined) sync();
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.streams]) end();
  }
}
