import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, UseGuards } from '@nestjs/common';
import { spamSettingsRequest } from '@mailstead/contracts';
import { QuarantineService, SpamSettingsService } from '../services/quarantine.service';
import { parseInput } from './api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from './auth.guard';

/** The webmail's Quarantine: mail held as spam, with why; release into INBOX or delete. */
@Controller('quarantine')
@UseGuards(SessionGuard)
export class QuarantineController {
  constructor(@Inject(QuarantineService) private readonly quarantine: QuarantineService) {}

  @Get()
  async list(@CurrentAuth() auth: AuthContext) {
    return { items: await this.quarantine.list(auth.account.id) };
  }

  @Post(':id/release')
  @HttpCode(200)
  async release(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    const { mailboxId } = await this.quarantine.release(auth.account.id, id);
    return { ok: true as const, mailboxId };
  }

  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    await this.quarantine.remove(auth.account.id, id);
    return { ok: true as const };
  }
}

/** The webmail's spam settings: the account's own thresholds. */
@Controller('spam/settings')
@UseGuards(SessionGuard)
export class SpamSettingsController {
  constructor(@Inject(SpamSettingsService) private readonly settings: SpamSettingsService) {}

  @Get()
  get(@CurrentAuth() auth: AuthContext) {
    return this.settings.get(auth.account.id);
  }

  @Put()
  set(@CurrentAuth() auth: AuthContext, @Body() body: unknown) {
    return this.settings.set(auth.account.id, parseInput(spamSettingsRequest, body));
  }
}
