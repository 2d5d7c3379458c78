import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Store } from '@mailstead/store';
import { REDIS, STORE } from '../app/tokens';

const PENDING_TTL_SECONDS = 600;
/** Wrong second-factor codes per account per window before logins are refused for a while. */
const MAX_FAILURES = 5;
const FAILURE_WINDOW_SECONDS = 900;
const RECOVERY_CODES = 10;

const totpFor = (address: string, secret: string) =>
  new TOTP({ issuer: 'Mailstead', label: address, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
const hashCode = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex');

export type SecondFactorVerdict = 'ok' | 'invalid' | 'throttled';

/** RFC 6238 TOTP second factor: enrolment with a QR code, verification, one-time recovery codes. */
@Injectable()
export class TotpService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async startEnrolment(accountId: number, address: string): Promise<{ secret: string; otpauthUrl: string; qrDataUrl: string }> {
    const secret = new Secret({ size: 20 }).base32;
    await this.redis.set(`mailstead:totp-pending:${accountId}`, secret, 'EX', PENDING_TTL_SECONDS);
    const otpauthUrl = totpFor(address, secret).toString();
    return { secret, otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl) };
  }

  /** Turns TOTP on when `code` matches the pending secret; answers the recovery codes, or null. */
  async finishEnrolment(accountId: number, address: string, code: string): Promise<string[] | null> {
    const secret = await this.redis.get(`mailstead:totp-pending:${accountId}`);
    if (!secret || totpFor(address, secret).validate({ token: code, window: 1 }) === null) return null;
    const codes = Array.from({ length: RECOVERY_CODES }, () => {
      const hex = randomBytes(5).toString('hex');
      return `${hex.slice(0, 5)}-${hex.slice(5)}`;
    });
    await this.store.totp.enable(accountId, { secret, recoveryHashes: codes.map(hashCode) });
    await this.redis.del(`mailstead:totp-pending:${accountId}`);
    return codes;
  }

  /**
   * Checks a login's second factor: a current code (each accepted once, RFC 6238 5.2) or an
   * unused recovery code (spent by using it). Failures are counted per account.
   */
  async check(accountId: number, address: string, secret: string, input: string): Promise<SecondFactorVerdict> {
    const failures = `mailstead:totp-fail:${accountId}`;
    if (Number(await this.redis.get(failures)) >= MAX_FAILURES) return 'throttled';
    let ok = false;
    if (/^\d{6}$/.test(input)) {
      const delta = totpFor(address, secret).validate({ token: input, window: 1 });
      if (delta !== null) {
        const step = Math.floor(Date.now() / 30_000) + delta;
        ok = (await this.redis.set(`mailstead:totp-used:${accountId}:${step}`, '1', 'EX', 120, 'NX')) === 'OK';
      }
    } else {
      ok = await this.store.totp.useRecoveryCode(accountId, hashCode(input));
    }
    if (ok) {
      await this.redis.del(failures);
      return 'ok';
    }
    await this.redis.multi().incr(failures).expire(failures, FAILURE_WINDOW_SECONDS, 'NX').exec();
    return 'invalid';
  }
}
