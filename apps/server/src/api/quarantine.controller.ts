import { Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { QuarantineService } from '../services/quarantine.service';
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
