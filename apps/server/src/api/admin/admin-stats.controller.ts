import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import type { Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { StatsService } from '../../services/stats.service';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { adminScope } from './admin-scope';

/** GET /api/admin/stats: the dashboard's figures, for every domain or a domain admin's own. */
@Controller('admin/stats')
@UseGuards(SessionGuard)
export class AdminStatsController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(StatsService) private readonly statsService: StatsService,
  ) {}

  @Get()
  async stats(@CurrentAuth() auth: AuthContext) {
    return this.statsService.stats(await adminScope(this.store, auth));
  }
}
