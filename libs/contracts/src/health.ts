import { z } from 'zod';

const probe = z.object({ ok: z.boolean(), latencyMs: z.number().optional(), error: z.string().optional() });
const roleStatus = z.object({
  state: z.enum(['starting', 'up', 'down', 'pending']),
  listeners: z.array(z.object({ name: z.string(), host: z.string(), port: z.number() })).optional(),
  detail: z.string().optional(),
});

/** GET /api/health */
export const healthReport = z.object({
  status: z.enum(['ok', 'degraded']),
  postgres: probe,
  redis: probe,
  roles: z.partialRecord(z.enum(['api', 'smtp', 'imap', 'pop3', 'worker', 'managesieve']), roleStatus),
  /** The webmail and console at /mail and /admin: not served when they could not be built (`detail` says why). */
  web: z.object({ served: z.boolean(), detail: z.string().optional() }),
  /** Free space of the data directory's file system; below `minFreeBytes` new mail is refused (452 4.3.1). */
  disk: z.object({ ok: z.boolean(), freeBytes: z.number(), minFreeBytes: z.number() }),
});
export type HealthReport = z.infer<typeof healthReport>;
