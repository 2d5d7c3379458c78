import type { AccountRecord, Store } from '@mailstead/store';
import type { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './password';
import { VerifiedCredentialCache } from './verified-credential-cache';
import { metrics } from '@mailstead/metrics';

export type AuthProtocol = 'imap' | 'pop3' | 'smtp' | 'web';

export type AuthResult =
  | { ok: true; account: AccountRecord; via: 'password' | 'app-password' }
  | { ok: false; reason: AuthFailure; retryAfterSeconds?: number };

/**
 * Why a login was refused. 'app-password-required': the account password was right, but the
 * account has a second factor (or its domain requires one), so mail protocols take only app
 * passwords (the rule Google, Microsoft and Fastmail apply).
 */
export type AuthFailure = 'invalid' | 'disabled' | 'throttled' | 'app-password-required';

export interface AuthAttempt {
  username: string;
  password: string;
  ip: string;
  protocol: AuthProtocol;
}

/**
 * The one credential check behind SMTP AUTH, IMAP LOGIN/AUTHENTICATE, POP3 USER/PASS and the
 * web login. App passwords work for mail protocols only; once an account has a second factor
 * or its domain requires one, the account password works for the web only (where the code is
 * asked for). Failures are throttled per IP and per account, and an unknown user costs as much
 * time as a wrong password.
 */
export class Authenticator {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly throttle: LoginThrottle,
    /** Recently verified credentials (see VerifiedCredentialCache); none by default. */
    private readonly verified: VerifiedCredentialCache = new VerifiedCredentialCache(0),
  ) {}

  /** argon2id verification, skipped when this password matched this very hash moments ago. */
  private async verify(storedHash: string, password: string): Promise<boolean> {
    if (this.verified.has(storedHash, password)) return true;
    const ok = await verifyPassword(storedHash, password);
    if (ok) this.verified.remember(storedHash, password);
    return ok;
  }

  async authenticate(attempt: AuthAttempt): Promise<AuthResult> {
    const result = await this.check(attempt);
    if (!result.ok) metrics.loginFailures.inc({ protocol: attempt.protocol, reason: result.reason });
    return result;
  }

  private async check(attempt: AuthAttempt): Promise<AuthResult> {
    const username = attempt.username.trim();
    const verdict = await this.throttle.check(attempt.ip, username);
    if (!verdict.allowed) return { ok: false, reason: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };

    const account = username.includes('@') ? await this.store.accounts.findByAddress(username) : null;
    if (!account) {
      this.dummyHash ??= hashPassword('timing-equaliser');
      await verifyPassword(await this.dummyHash, attempt.password);
      await this.throttle.recordFailure(attempt.ip, username);
      return { ok: false, reason: 'invalid' };
    }

    let via: 'password' | 'app-password' | undefined;
    if (await this.verify(account.passwordHash, attempt.password)) via = 'password';
    else if (attempt.protocol !== 'web') {
      for (const app of await this.store.appPasswords.listForAccount(account.id)) {
        if (await this.verify(app.hash, attempt.password.replace(/[\s-]+/g, ''))) {
          via = 'app-password';
          await this.store.appPasswords.touch(app.id);
          break;
        }
      }
    }
    if (!via) {
      await this.throttle.recordFailure(attempt.ip, username);
      return { ok: false, reason: 'invalid' };
    }
    if (!account.enabled) return { ok: false, reason: 'disabled' };
    // The password was right, so this is not counted as a failure; it still does not sign in.
    if (via === 'password' && attempt.protocol !== 'web' && (account.totpSecret !== null || (await this.store.totp.requiredFor(account.id)))) {
      return { ok: false, reason: 'app-password-required' };
    }
    await this.throttle.recordSuccess(username);
    return { ok: true, account, via };
  }
}
