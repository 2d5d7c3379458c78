import { Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '@mailstead/store';
import { STORE } from '../app/tokens';
import { ClientSetupService } from '../services/client-setup.service';
import { CurrentAuth, SessionGuard, type AuthContext } from './auth.guard';

/** The webmail settings' "Set up an Apple device" download. */
@Controller('client-setup')
@UseGuards(SessionGuard)
export class ClientSetupController {
  constructor(
    @Inject(ClientSetupService) private readonly clientSetup: ClientSetupService,
    @Inject(STORE) private readonly store: Store,
  ) {}

  /** A .mobileconfig with a new app password in it (listed and revocable with the others). */
  @Post('apple-profile')
  @HttpCode(200)
  async appleProfile(@CurrentAuth() auth: AuthContext, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { profile, label } = await this.clientSetup.appleProfile(auth.account);
    await this.store.audit.record({ actor: auth.account.address, action: 'app-password.create', target: auth.account.address, details: { label }, ip: request.ip });
    void reply
      .header('content-type', 'application/x-apple-aspen-config; charset=utf-8')
      .header('content-disposition', `attachment; filename="${auth.account.address.replace(/[^\w.@-]/g, '_')}.mobileconfig"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff');
    return profile;
  }
}
