import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, UseGuards } from '@nestjs/common';
import {
  previewRuleRequest,
  ruleApplyRequest,
  ruleTestRequest,
  saveRulesRequest,
  saveScriptRequest,
  saveVacationRequest,
  type RuleApplyRun,
  type RuleSetDto,
} from '@mailstead/contracts';
import { SieveRulesService } from '../services/sieve-rules.service';
import { parseInput } from './api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from './auth.guard';

/** The webmail's Rules and Vacation pages: the account's active Sieve script as rules, and runs over stored mail. */
@Controller('sieve')
@UseGuards(SessionGuard)
export class SieveRulesController {
  constructor(@Inject(SieveRulesService) private readonly rules: SieveRulesService) {}

  @Get('rules')
  get(@CurrentAuth() auth: AuthContext): Promise<RuleSetDto> {
    return this.rules.get(auth.account.id);
  }

  @Put('rules')
  saveRules(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<RuleSetDto> {
    return this.rules.saveRules(auth.account.id, parseInput(saveRulesRequest, body).entries);
  }

  @Put('vacation')
  saveVacation(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<RuleSetDto> {
    return this.rules.saveVacation(auth.account.id, parseInput(saveVacationRequest, body).vacation);
  }

  @Put('script')
  saveScript(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<RuleSetDto> {
    return this.rules.saveScript(auth.account.id, parseInput(saveScriptRequest, body).script);
  }

  @Post('preview')
  @HttpCode(200)
  preview(@Body() body: unknown): { sieve: string } {
    return { sieve: this.rules.preview(parseInput(previewRuleRequest, body).rule) };
  }

  @Post('test')
  @HttpCode(200)
  async test(@CurrentAuth() auth: AuthContext, @Body() body: unknown) {
    return { items: await this.rules.test(auth.account.id, auth.account.address, parseInput(ruleTestRequest, body)) };
  }

  @Post('apply')
  apply(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<RuleApplyRun> {
    return this.rules.startApply(auth.account.id, auth.account.address, parseInput(ruleApplyRequest, body));
  }

  @Get('apply/:id')
  status(@CurrentAuth() auth: AuthContext, @Param('id') id: string): RuleApplyRun {
    return this.rules.applyStatus(auth.account.id, id);
  }

  @Post('apply/:id/undo')
  @HttpCode(200)
  undo(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<RuleApplyRun> {
    return this.rules.undo(auth.account.id, id);
  }
}
