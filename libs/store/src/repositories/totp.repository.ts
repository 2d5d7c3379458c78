import type { Db } from '../prisma';
import { notFound } from '../errors';

/**
 * What account.totp_secret holds once TOTP is on: the RFC 6238 secret (base32) and the
 * SHA-256 hashes of the unused recovery codes (random, high-entropy codes, so a fast hash
 * is enough). NULL = no second factor.
 */
export interface TotpState {
  secret: string;
  recoveryHashes: string[];
}

export function decodeTotpState(column: string | null): TotpState | null {
  if (!column) return null;
  try {
    const parsed = JSON.parse(column) as { v?: number; secret?: unknown; recovery?: unknown };
    if (parsed.v === 1 && typeof parsed.secret === 'string' && Array.isArray(parsed.recovery)) {
      return { secret: parsed.secret, recoveryHashes: parsed.recovery.filter((h): h is string => typeof h === 'string') };
    }
  } catch {
    // a bare base32 secret (written by other tools): no recovery codes
  }
  return { secret: column, recoveryHashes: [] };
}

const encode = (state: TotpState) => JSON.stringify({ v: 1, secret: state.secret, recovery: state.recoveryHashes });

export class TotpRepository {
  constructor(private readonly db: Db) {}

  async get(accountId: number): Promise<TotpState | null> {
    const row = await this.db.account.findUnique({ where: { id: accountId }, select: { totpSecret: true } });
    if (!row) throw notFound('account');
    return decodeTotpState(row.totpSecret);
  }

  async enable(accountId: number, state: TotpState): Promise<void> {
    const { count } = await this.db.account.updateMany({ where: { id: accountId }, data: { totpSecret: encode(state) } });
    if (count === 0) throw notFound('account');
  }

  /** Whether the account's domain requires a second factor (domain.require_totp). */
  async requiredFor(accountId: number): Promise<boolean> {
    const row = await this.db.account.findUnique({ where: { id: accountId }, select: { domain: { select: { requireTotp: true } } } });
    return row?.domain.requireTotp ?? false;
  }

  async disable(accountId: number): Promise<void> {
    await this.db.account.updateMany({ where: { id: accountId }, data: { totpSecret: null } });
  }

  /** Removes one recovery code atomically; false when it is not (or no longer) valid. */
  async useRecoveryCode(accountId: number, hash: string): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ totp_secret: string | null }[]>('SELECT totp_secret FROM account WHERE id = $1 FOR UPDATE', accountId);
      const state = decodeTotpState(row?.totp_secret ?? null);
      if (!state || !state.recoveryHashes.includes(hash)) return false;
      await tx.account.update({ where: { id: accountId }, data: { totpSecret: encode({ ...state, recoveryHashes: state.recoveryHashes.filter((h) => h !== hash) }) } });
      return true;
    });
  }
}
