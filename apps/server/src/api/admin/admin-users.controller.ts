import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashPassword } from '@mailstead/auth';
import type { MailsteadConfig } from '@mailstead/config';
import { createUserRequest, updateUserRequest } from '@mailstead/contracts';
import type { Store } from '@mailstead/store';
import { CONFIG, STORE } from '../../app/tokens';
import { ApiException, intId, notFound, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { SessionService } from '../session.service';
import { userDto } from './admin-dto';
import { adminScope, contentRange, inScope, parseListQuery, requireDomain, type AdminScope } from './admin-scope';

@Controller('admin/users')
@UseGuards(SessionGuard)
export class AdminUsersController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(CONFIG) private readonly config: MailsteadConfig,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {}

  private async one(scope: AdminScope, id: string) {
    const user = await this.store.admin.user(intId(id, 'user'));
    if (!user || !inScope(scope, user.domainId)) throw notFound('user');
    return user;
  }

  /** Only a server admin hands out the admin role; a domain admin may make domain admins and users. */
  private checkRole(scope: AdminScope, role: string | undefined): void {
    if (role === 'admin' && !scope.isAdmin) throw new ApiException(403, 'forbidden', 'only a server administrator may grant the admin role', { role: ['not allowed'] });
  }

  @Get()
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const scope = await adminScope(this.store, auth);
    const q = parseListQuery(query, 'address');
    const { rows, total } = await this.store.admin.users({ ...q, domainIds: scope.domainIds });
    contentRange(reply, 'users', q.offset, rows.length, total);
    return rows.map(userDto);
  }

  @Get(':id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return userDto(await this.one(await adminScope(this.store, auth), id));
  }

  @Post()
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const input = parseInput(createUserRequest, body);
    requireDomain(scope, input.address, 'address');
    this.checkRole(scope, input.role);
    const account = await this.store.accounts.create({
      address: input.address,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      displayName: input.displayName ?? null,
      quotaBytes: input.quotaBytes ?? this.config.defaultQuota,
    });
    if (input.role === 'domain_admin') await this.store.admin.addDomainAdmin(account.id, account.domainId);
    await this.store.audit.record({ actor: scope.actor, action: 'user.create', target: account.address, details: { role: input.role }, ip: request.ip });
    return userDto((await this.store.admin.user(account.id))!);
  }

  @Put(':id')
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const user = await this.one(scope, id);
    const input = parseInput(updateUserRequest, body);
    this.checkRole(scope, input.role);
    if (user.role === 'admin' && !scope.isAdmin) throw new ApiException(403, 'forbidden', 'only a server administrator may change an administrator');
    await this.store.admin.updateUser(user.id, {
      displayName: input.displayName,
      role: input.role,
      enabled: input.enabled,
      quotaBytes: input.quotaBytes === undefined ? undefined : BigInt(input.quotaBytes),
      passwordHash: input.password === undefined ? undefined : await hashPassword(input.password),
    });
    if (input.role === 'domain_admin') await this.store.admin.addDomainAdmin(user.id, user.domainId);
    // A reset password or a disabled account ends the account's web sessions.
    if (input.password !== undefined || input.enabled === false) await this.sessions.destroyOthers(user.id);
    const { password: _secret, ...logged } = input;
    await this.store.audit.record({
      actor: scope.actor,
      action: 'user.update',
      target: user.address,
      details: { ...logged, ...(input.password !== undefined ? { passwordReset: true } : {}) },
      ip: request.ip,
    });
    return userDto((await this.store.admin.user(user.id))!);
  }

  /**
   * Removes the second factor (lost phone): the user logs in with the password alone, or, when
   * the domain requires TOTP, is made to enrol again. Ends the user's web sessions.
   */
  @Post(':id/reset-2fa')
  @HttpCode(200)
  async resetTwoFactor(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const user = await this.one(scope, id);
    if (user.role === 'admin' && !scope.isAdmin) throw new ApiException(403, 'forbidden', 'only a server administrator may change an administrator');
    await this.store.totp.disable(user.id);
    await this.sessions.destroyOthers(user.id);
    await this.store.audit.record({ actor: scope.actor, action: 'user.totp.reset', target: user.address, details: { wasEnabled: user.totpSecret !== null }, ip: request.ip });
    return userDto((await this.store.admin.user(user.id))!);
  }

  /**
   * Deletes the account AND its mail: every mailbox and message goes with it (answered as
   * `removed`), as do its app passwords and sessions. To keep the mail, disable the account.
   */
  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth);
    const user = await this.one(scope, id);
    if (user.id === auth.account.id) throw new ApiException(400, 'validation', 'you cannot delete your own account here');
    if (user.role === 'admin' && !scope.isAdmin) throw new ApiException(403, 'forbidden', 'only a server administrator may delete an administrator');
    const removed = await this.store.admin.userMailCount(user.id);
    await this.store.accounts.remove(user.address);
    await this.sessions.destroyOthers(user.id);
    await this.store.audit.record({ actor: scope.actor, action: 'user.delete', target: user.address, details: { mailRemoved: removed }, ip: request.ip });
    return { ...userDto(user), removed };
  }
}
