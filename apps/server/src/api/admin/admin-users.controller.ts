import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createUserRequest, senderGrantRequest, updateUserRequest } from '@mailstead/contracts';
import type { Store } from '@mailstead/store';
import { STORE } from '../../app/tokens';
import { UserService } from '../../services/user.service';
import { intId, parseInput } from '../api-error';
import { CurrentAuth, SessionGuard, type AuthContext } from '../auth.guard';
import { userDto } from './admin-dto';
import { adminScope, contentRange, parseListQuery } from './admin-scope';

@Controller('admin/users')
@UseGuards(SessionGuard)
export class AdminUsersController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(UserService) private readonly users: UserService,
  ) {}

  @Get()
  async list(@CurrentAuth() auth: AuthContext, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const q = parseListQuery(query, 'address');
    const { rows, total } = await this.users.list(await adminScope(this.store, auth), q);
    contentRange(reply, 'users', q.offset, rows.length, total);
    return rows.map(userDto);
  }

  @Get(':id')
  async get(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return userDto(await this.users.get(await adminScope(this.store, auth), intId(id, 'user')));
  }

  @Post()
  async create(@CurrentAuth() auth: AuthContext, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    return userDto(await this.users.create(scope, parseInput(createUserRequest, body)));
  }

  @Put(':id')
  async update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const userId = intId(id, 'user');
    return userDto(await this.users.update(scope, userId, parseInput(updateUserRequest, body)));
  }

  /** Removes the second factor (lost phone) and ends the user's web sessions. */
  @Post(':id/reset-2fa')
  @HttpCode(200)
  async resetTwoFactor(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    return userDto(await this.users.resetTwoFactor(scope, intId(id, 'user')));
  }

  /** Addresses the user may send as that an administrator granted. */
  @Get(':id/senders')
  async senders(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    return { addresses: await this.users.senderGrants(await adminScope(this.store, auth), intId(id, 'user')) };
  }

  /** Idempotent: granting an address the user already has answers the same list. */
  @Post(':id/senders')
  @HttpCode(200)
  async grantSender(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const userId = intId(id, 'user');
    return { addresses: await this.users.grantSender(scope, userId, parseInput(senderGrantRequest, body).address) };
  }

  @Delete(':id/senders/:address')
  async revokeSender(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Param('address') address: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    return { addresses: await this.users.revokeSender(scope, intId(id, 'user'), address) };
  }

  /** Deletes the account AND its mail; answers the user with what went (`removed`). */
  @Delete(':id')
  async remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const scope = await adminScope(this.store, auth, request);
    const { user, removed } = await this.users.remove(scope, intId(id, 'user'));
    return { ...userDto(user), removed };
  }
}
