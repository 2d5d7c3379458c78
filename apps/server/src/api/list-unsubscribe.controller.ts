import { Controller, Get, Header, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MailsteadConfig } from '@mailstead/config';
import { verifyUnsubscribeToken, type UnsubscribeClaim } from '@mailstead/pipeline';
import { CONFIG } from '../app/tokens';
import { serverSecret } from '../runtime/secret';
import { ListService } from '../services/list.service';
import { notFound } from './api-error';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style></head><body>${body}</body></html>`;
}

/**
 * RFC 8058 one-click unsubscribe for list posts (the List-Unsubscribe link libs/smtp puts into
 * each member's copy). No session and no CSRF token: the signed token in the path names the
 * list and the member and is the only authority (unsubscribe-token.ts); a tampered or foreign
 * token is 404. POST (what mail clients send, body `List-Unsubscribe=One-Click`) removes the
 * member; GET never changes anything (link scanners fetch links, RFC 8058 3.1) and shows a
 * page with a button that POSTs, which is also the List-Help page.
 */
@Controller('lists/unsubscribe')
export class ListUnsubscribeController {
  constructor(
    @Inject(ListService) private readonly lists: ListService,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
  ) {}

  private async claim(token: string): Promise<{ claim: UnsubscribeClaim; list: { id: number; address: string; name: string }; isMember: boolean }> {
    const claim = verifyUnsubscribeToken(serverSecret(this.config), token);
    const target = claim ? await this.lists.unsubscribeTarget(claim.listId, claim.member) : null;
    if (!claim || !target) throw notFound('unsubscribe link');
    return { claim, ...target };
  }

  @Get(':token')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
  async show(@Param('token') token: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    let found: Awaited<ReturnType<ListUnsubscribeController['claim']>>;
    try {
      found = await this.claim(token);
    } catch {
      void reply.status(404);
      return page('Unknown link', '<h1>Unknown link</h1><p>This unsubscribe link is not valid.</p>');
    }
    const { claim, list, isMember: member } = found;
    const name = escapeHtml(list.name || list.address);
    const intro = `<h1>${name}</h1><p>Posts to <code>${escapeHtml(list.address)}</code> reach every member of the list.</p>`;
    return page(
      list.name || list.address,
      member
        ? `${intro}<p><code>${escapeHtml(claim.member)}</code> is a member.</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe ${escapeHtml(claim.member)}</button></form>`
        : `${intro}<p><code>${escapeHtml(claim.member)}</code> is not (or no longer) a member.</p>`,
    );
  }

  /** Idempotent: a second POST (clients may retry) answers the same, with `removed: false`. */
  @Post(':token')
  @HttpCode(200)
  async unsubscribe(@Param('token') token: string, @Req() request: FastifyRequest): Promise<{ list: string; member: string; removed: boolean }> {
    const { claim, list } = await this.claim(token);
    const removed = await this.lists.unsubscribe(list, claim.member, request.ip);
    return { list: list.address, member: claim.member, removed };
  }
}
