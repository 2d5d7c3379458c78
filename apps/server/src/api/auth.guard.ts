import '@fastify/cookie';
import { Inject, Injectable, SetMetadata, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { AccountRecord, Store } from '@mailstead/store';
import { STORE } from '../app/tokens';
import { ApiException } from './api-error';
import { CSRF_HEADER, SESSION_COOKIE, SessionService, sameToken, type SessionData } from './session.service';

export interface AuthContext {
  account: AccountRecord;
  session: SessionData;
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOTP_SETUP_ALLOWED = 'mailstead:totp-setup-allowed';

/**
 * Marks an endpoint a session may use while its domain requires TOTP and the account has not
 * enrolled yet (me, logout, enrol, verify); every other endpoint answers 403 totp_setup_required.
 */
export const AllowDuringTotpSetup = () => SetMetadata(TOTP_SETUP_ALLOWED, true);

/**
 * Requires a live session of an enabled account, and on state-changing methods the CSRF
 * token in the X-CSRF-Token header (double submit: a cross-site page can make the browser
 * send the cookie but cannot read the token to put it in a header).
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(STORE) private readonly store: Store,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = request.cookies?.[SESSION_COOKIE];
    const session = token ? await this.sessions.get(token) : null;
    if (!token || !session) throw new ApiException(401, 'unauthorized', 'not logged in');
    const found = await this.store.accounts.findForSession(session.accountId);
    if (!found || !found.enabled) {
      await this.sessions.destroy(token, session.accountId);
      throw new ApiException(401, 'unauthorized', 'not logged in');
    }
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !sameToken(header, session.csrf)) throw new ApiException(403, 'csrf', 'missing or wrong X-CSRF-Token header');
    }
    const { domainRequiresTotp, ...account } = found;
    // Per-domain "require TOTP": checked on every request (not only at login), so turning it
    // on reaches sessions that are already open; read with the account, no extra query.
    if (account.totpSecret === null && domainRequiresTotp && !this.reflector.get<boolean>(TOTP_SETUP_ALLOWED, context.getHandler())) {
      throw new ApiException(403, 'totp_setup_required', 'your domain requires a second factor: enrol TOTP first (POST /api/auth/totp/enroll)');
    }
    request.auth = { account, session, token };
    return true;
  }
}

/** The logged-in account of a request guarded by SessionGuard. */
export const CurrentAuth = createParamDecorator((_: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<FastifyRequest>().auth;
  if (!auth) throw new ApiException(401, 'unauthorized', 'not logged in');
  return auth;
});
