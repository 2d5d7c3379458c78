import { z } from 'zod';

/** One check that fired on a held message: its name, weight and what it found (the list that listed the sender, the classifier's probability, ...). */
export const spamSymbolDto = z.object({ name: z.string(), score: z.number(), detail: z.string().optional() });

/** GET /api/quarantine: mail held instead of delivered, with why. */
export const quarantineItemDto = z.object({
  id: z.string(),
  from: z.string(),
  sender: z.string(),
  recipient: z.string(),
  subject: z.string(),
  score: z.number(),
  /** the statistical classifier's spam probability (0..1), null when it had no opinion */
  probability: z.number().nullable(),
  symbols: z.array(spamSymbolDto),
  size: z.number().int(),
  receivedAt: z.string(),
});
export type QuarantineItemDto = z.infer<typeof quarantineItemDto>;

export const quarantineList = z.object({ items: z.array(quarantineItemDto) });

/** POST /api/quarantine/:id/release: where the message went (INBOX). */
export const quarantineRelease = z.object({ ok: z.literal(true), mailboxId: z.number().int() });

const level = z.number().min(-100).max(1000).nullable();

/** PUT /api/spam/settings: the account's own thresholds; null falls back to the domain's, then the server's. */
export const spamSettingsRequest = z.object({ junk: level, quarantine: level, reject: level });
export type SpamSettingsRequest = z.infer<typeof spamSettingsRequest>;

/** GET /api/spam/settings: the account's own thresholds and the ones in force. */
export const spamSettingsDto = z.object({
  own: spamSettingsRequest,
  effective: z.object({ junk: z.number(), quarantine: z.number(), reject: z.number() }),
});
export type SpamSettingsDto = z.infer<typeof spamSettingsDto>;
