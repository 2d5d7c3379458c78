import '@fastify/cookie';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createAppPassword, hashPassword, verifyPassword, type Authenticator } from '@mailstead/auth';
import {
  changePasswordRequest,
  createAppPasswordRequest,
  loginRequest,
  totpDisableRequest,
  totpVerifyRequest,
  updateProfileRequest,
  type AppPasswordInfo,
  type SessionInfo,
} from '@mailstead/contracts';
import { decodeTotpState, type AccountRecord, type AppPasswordRecord, type Store } from '@mailstead/store';
import { AUTHENTICATOR, STORE } from '../app/tokens';
import { ApiException, intId, parseInput } from './api-error';
import { AllowDuringTotpSetup, CurrentAuth, SessionGuard, type AuthContext } from './auth.guard';
import { TotpService } from './totp.service';
import { CSRF_COOKIE, SESSION_COOKIE, SESSION_TTL_SECONDS, SessionService, type SessionData } from './session.service';

const appPasswordDto = (r: AppPasswordRecord): AppPasswordInfo => ({
  id: r.id,
  label: r.label,
  createdAt: r.createdAt.toISOString(),
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
});

@Controller('auth')
export class AuthController {
  constructor(
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
    @Inject(STORE) private readonly store: Store,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(TotpService) private readonly totp: TotpService,
  ) {}

  private async sessionInfo(account: AccountRecord, session: SessionData): Promise<SessionInfo> {
    const domains = await this.store.admin.managedDomains(account.id, account.role);
    return {
      account: {
        id: account.id,
        address: account.address,
        displayName: account.displayName,
        role: account.role,
        quotaBytes: Number(account.quotaBytes),
        usedBytes: Number(account.usedBytes),
        totpEnabled: account.totpSecret !== null,
      },
      csrfToken: session.csrf,
      adminDomains: domains.map((d) => d.name),
      totpSetupRequired: account.totpSecret === null && (await this.store.totp.requiredFor(account.id)),
    };
  }

  /**
   * Address + account password (never an app password: those are for mail clients). Failures
   * count towards the same per-IP and per-account throttle as IMAP/POP3/SMTP.
   */
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionInfo> {
    const input = parseInput(loginRequest, body);
    const result = await this.authenticator.authenticate({ username: input.address, password: input.password, ip: request.ip, protocol: 'web' });
    if (!result.ok) {
      if (result.reason === 'throttled') {
        void reply.header('retry-after', String(result.retryAfterSeconds ?? 60));
        throw new ApiException(429, 'too_many_requests', 'too many failed logins; try again later');
      }
      if (result.reason === 'disabled') throw new ApiException(403, 'forbidden', 'this account is disabled');
      throw new ApiException(401, 'unauthorized', 'wrong address or password');
    }
    const secondFactor = decodeTotpState(result.account.totpSecret);
    if (secondFactor) {
      if (!input.totp) throw new ApiException(401, 'totp_required', 'this account needs a one-time code (field "totp")');
      const verdict = await this.totp.check(result.account.id, result.account.address, secondFactor.secret, input.totp);
      if (verdict === 'throttled') throw new ApiException(429, 'too_many_requests', 'too many wrong codes; try again later');
      if (verdict === 'invalid') throw new ApiException(401, 'totp_invalid', 'wrong or already used one-time code');
    }
    const { token, data } = await this.sessions.create(result.account.id, request.ip);
    // X-Forwarded-Proto counts only from MAILSTEAD_TRUSTED_PROXIES (runtime/http-adapter.ts).
    const secure = request.protocol === 'https';
    void reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: SESSION_TTL_SECONDS });
    void reply.setCookie(CSRF_COOKIE, data.csrf, { path: '/', httpOnly: false, sameSite: 'lax', secure, maxAge: SESSION_TTL_SECONDS });
    await this.store.audit.record({ actor: result.account.address, action: 'auth.login', target: result.account.address, ip: request.ip });
    return this.sessionInfo(result.account, data);
  }

  @Post('logout')
  @HttpCode(200)
  @AllowDuringTotpSetup()
  @UseGuards(SessionGuard)
  async logout(@CurrentAuth() auth: AuthContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ ok: true }> {
    await this.sessions.destroy(auth.token, auth.account.id);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    void reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return { ok: true };
  }

  @Get('me')
  @AllowDuringTotpSetup()
  @UseGuards(SessionGuard)
  me(@CurrentAuth() auth: AuthContext): Promise<SessionInfo> {
    return this.sessionInfo(auth.account, auth.session);
  }

  /** Changes the account password; every other session of the account ends. */
  @Post('password')
  @HttpCode(200)
  @UseGuards(SessionGuard)
  async changePassword(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest): Promise<{ ok: true }> {
    const input = parseInput(changePasswordRequest, body);
    if (!(await verifyPassword(auth.account.passwordHash, input.currentPassword))) {
      throw new ApiException(400, 'validation', 'The current password is wrong', { currentPassword: ['The current password is wrong'] });
    }
    await this.store.accounts.setPassword(auth.account.address, await hashPassword(input.newPassword));
    await this.sessions.destroyOthers(auth.account.id, auth.token);
    await this.store.audit.record({ actor: auth.account.address, action: 'account.password', target: auth.account.address, ip: request.ip });
    return { ok: true };
  }

  /** The display name (From: "Name" <address> of mail sent from the webmail); an empty name removes it. */
  @Patch('profile')
  @UseGuards(SessionGuard)
  async updateProfile(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest): Promise<SessionInfo> {
    const input = parseInput(updateProfileRequest, body);
    const displayName = input.displayName === '' ? null : input.displayName;
    await this.store.accounts.setDisplayName(auth.account.id, displayName);
    await this.store.audit.record({ actor: auth.account.address, action: 'account.profile', target: auth.account.address, details: { displayName }, ip: request.ip });
    return this.sessionInfo({ ...auth.account, displayName }, auth.session);
  }

  @Post('totp/enroll')
  @HttpCode(200)
  @AllowDuringTotpSetup()
  @UseGuards(SessionGuard)
  async enrollTotp(@CurrentAuth() auth: AuthContext) {
    if (auth.account.totpSecret) throw new ApiException(409, 'conflict', 'TOTP is already on; turn it off first');
    return this.totp.startEnrolment(auth.account.id, auth.account.address);
  }

  @Post('totp/verify')
  @HttpCode(200)
  @AllowDuringTotpSetup()
  @UseGuards(SessionGuard)
  async verifyTotp(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest): Promise<{ recoveryCodes: string[] }> {
    const input = parseInput(totpVerifyRequest, body);
    if (auth.account.totpSecret) throw new ApiException(409, 'conflict', 'TOTP is already on');
    const recoveryCodes = await this.totp.finishEnrolment(auth.account.id, auth.account.address, input.code);
    if (!recoveryCodes) throw new ApiException(400, 'validation', 'The code is wrong, or the enrolment has expired', { code: ['The code is wrong, or the enrolment has expired'] });
    await this.store.audit.record({ actor: auth.account.address, action: 'account.totp.enable', target: auth.account.address, ip: request.ip });
    return { recoveryCodes };
  }

  @Post('totp/disable')
  @HttpCode(200)
  @UseGuards(SessionGuard)
  async disableTotp(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest): Promise<{ ok: true }> {
    const input = parseInput(totpDisableRequest, body);
    if (await this.store.totp.requiredFor(auth.account.id)) throw new ApiException(403, 'totp_setup_required', 'your domain requires a second factor; it cannot be turned off');
    if (!(await verifyPassword(auth.account.passwordHash, input.password))) {
      throw new ApiException(400, 'validation', 'The password is wrong', { password: ['The password is wrong'] });
    }
    await this.store.totp.disable(auth.account.id);
    await this.store.audit.record({ actor: auth.account.address, action: 'account.totp.disable', target: auth.account.address, ip: request.ip });
    return { ok: true };
  }

  @Get('app-passwords')
  @UseGuards(SessionGuard)
  async appPasswords(@CurrentAuth() auth: AuthContext): Promise<AppPasswordInfo[]> {
    return (await this.store.appPasswords.listForAccount(auth.account.id)).map(appPasswordDto);
  }

  /** The password is in this answer only; it works for IMAP, POP3 and SMTP, never for the web login. */
  @Post('app-passwords')
  @UseGuards(SessionGuard)
  async createAppPassword(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const input = parseInput(createAppPasswordRequest, body);
    const { record, password } = await createAppPassword(this.store, auth.account.id, input.label);
    await this.store.audit.record({ actor: auth.account.address, action: 'app-password.create', target: auth.account.address, details: { label: record.label }, ip: request.ip });
    return { ...appPasswordDto(record), password };
  }

  @Delete('app-passwords/:id')
  @UseGuards(SessionGuard)
  async revokeAppPassword(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest): Promise<{ ok: true }> {
    await this.store.appPasswords.remove(auth.account.id, intId(id, 'app password'));
    await this.store.audit.record({ actor: auth.account.address, action: 'app-password.revoke', target: auth.account.address, details: { id }, ip: request.ip });
    return { ok: true };
  }
}
