import { z } from 'zod';

/** Every error the API answers has this shape (issue 8 "Errors"). */
export const apiError = z.object({
  error: z.object({
    status: z.number().int(),
    /** Stable machine code: bad_request, validation, unauthorized, csrf, forbidden, not_found, conflict, too_many_requests, payload_too_large, internal; at login also totp_required (send `totp`) and totp_invalid; totp_setup_required when the domain requires TOTP and the account must enrol first (see sessionInfo.totpSetupRequired). */
    code: z.string(),
    message: z.string(),
    /** Field path -> messages, for validation failures. */
    fields: z.record(z.string(), z.array(z.string())).optional(),
    requestId: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof apiError>;

/**
 * What to show a person for an API error: the field messages as they are (the API words them as
 * sentences), else the message; never the code or a field's name.
 */
export function apiErrorText(error: Pick<ApiError['error'], 'message' | 'fields'>): string {
  const sentences = [...new Set(Object.values(error.fields ?? {}).flat())];
  return sentences.length > 0 ? sentences.join('; ') : error.message;
}
