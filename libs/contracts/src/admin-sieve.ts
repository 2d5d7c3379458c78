import { z } from 'zod';

/** Where an admin script runs: before or after every user's script, or only through `include :global` (RFC 6609). */
export const SIEVE_ADMIN_PLACES = ['before', 'after', 'include'] as const;
export type SieveAdminPlace = (typeof SIEVE_ADMIN_PLACES)[number];

/** A server-wide (`domain` null) or per-domain Sieve script, as the console lists and edits it. */
export const sieveAdminScriptDto = z.object({
  id: z.number().int(),
  name: z.string(),
  place: z.enum(SIEVE_ADMIN_PLACES),
  /** The domain whose accounts it runs for; null: every account. */
  domain: z.string().nullable(),
  content: z.string(),
  /** UTF-8 octets */
  size: z.number().int(),
  /** Bumped on every change. */
  version: z.number().int(),
  updatedAt: z.string(),
});
export type SieveAdminScriptDto = z.infer<typeof sieveAdminScriptDto>;

export const createSieveAdminScriptRequest = z.object({
  name: z.string().min(1).max(1024),
  place: z.enum(SIEVE_ADMIN_PLACES),
  domain: z.string().trim().min(1).max(253).nullable().default(null),
  content: z.string(),
});

/** The name and the owner stay; the place and the text may change. */
export const updateSieveAdminScriptRequest = z.object({ place: z.enum(SIEVE_ADMIN_PLACES).optional(), content: z.string().optional() });
