import { z } from 'zod';
import { newPassword } from './password-policy';

export const accountRole = z.enum(['admin', 'domain_admin', 'user']);
export type AccountRoleName = z.infer<typeof accountRole>;

/** POST /api/auth/login */
export const loginRequest = z.object({
  address: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
  /** The current TOTP code, or a recovery code, when the account has a second factor. */
  totp: z.string().trim().min(1).max(64).optional(),
});
export type LoginRequest = z.infer<typeof loginRequest>;

/** GET /api/auth/me, and the answer to a login. */
export const sessionInfo = z.object({
  account: z.object({
    id: z.number().int(),
    address: z.string(),
    displayName: z.string().nullable(),
    role: accountRole,
    quotaBytes: z.number(),
    usedBytes: z.number(),
    totpEnabled: z.boolean(),
  }),
  /** Send it back in the X-CSRF-Token header on every POST/PUT/PATCH/DELETE. */
  csrfToken: z.string(),
  /** Domains this account administers (all of them for admin). */
  adminDomains: z.array(z.string()),
  /**
   * The account's domain requires a second factor (an admin set "require TOTP") and the
   * account has none yet. The login still succeeds (200, session cookie), but until the user
   * enrols, every endpoint except GET /api/auth/me, POST /api/auth/logout,
   * POST /api/auth/totp/enroll and POST /api/auth/totp/verify answers
   * 403 `{ error: { code: "totp_setup_required" } }`. After a correct
   * POST /api/auth/totp/verify the same session works normally and this turns false.
   * While the domain requires it, POST /api/auth/totp/disable answers 403 `totp_setup_required`.
   */
  totpSetupRequired: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfo>;

/** POST /api/auth/password */
export const changePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword,
});

/** PATCH /api/auth/profile: the display name sent in the From header of webmail mail (empty = none). */
export const updateProfileRequest = z.object({
  displayName: z
    .string()
    .trim()
    .max(200)
    .refine((n) => !/[\x00-\x1f\x7f]/.test(n), 'must not contain control characters'),
});

/** POST /api/auth/app-passwords */
export const createAppPasswordRequest = z.object({ label: z.string().trim().min(1).max(100) });

export const appPassword = z.object({
  id: z.number().int(),
  label: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
/** The plain password is in this answer only. */
export const createdAppPassword = appPassword.extend({ password: z.string() });
export type AppPasswordInfo = z.infer<typeof appPassword>;

export const ok = z.object({ ok: z.literal(true) });

/** POST /api/auth/totp/enroll: scan the QR code (or type the secret), then verify a code. */
export const totpEnrollment = z.object({ secret: z.string(), otpauthUrl: z.string(), qrDataUrl: z.string() });
/** POST /api/auth/totp/verify */
export const totpVerifyRequest = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'must be the 6-digit code') });
/** The recovery codes are in this answer only; each works once instead of a code. */
export const totpEnabled = z.object({ recoveryCodes: z.array(z.string()) });
/** POST /api/auth/totp/disable */
export const totpDisableRequest = z.object({ password: z.string().min(1).max(1024) });
