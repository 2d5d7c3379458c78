import type { Db } from '../prisma';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
}

export class AuditRepository {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.auditLog.create({
      data: { actor: entry.actor, action: entry.action, target: entry.target ?? null, details: (entry.details ?? undefined) as object | undefined, ip: entry.ip ?? null },
    });
  }

  recent(limit = 100) {
    return this.db.auditLog.findMany({ orderBy: { id: 'desc' }, take: limit });
  }
}
