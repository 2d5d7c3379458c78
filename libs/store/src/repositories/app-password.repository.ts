import type { Db } from '../prisma';
import { notFound } from '../errors';

export interface AppPasswordRecord {
  id: number;
  accountId: number;
  label: string;
  hash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export class AppPasswordRepository {
  constructor(private readonly db: Db) {}

  create(accountId: number, label: string, hash: string): Promise<AppPasswordRecord> {
    return this.db.appPassword.create({ data: { accountId, label, hash } });
  }

  listForAccount(accountId: number): Promise<AppPasswordRecord[]> {
    return this.db.appPassword.findMany({ where: { accountId }, orderBy: { id: 'asc' } });
  }

  async remove(accountId: number, id: number): Promise<void> {
    const { count } = await this.db.appPassword.deleteMany({ where: { id, accountId } });
    if (count === 0) throw notFound('app password');
  }

  async touch(id: number): Promise<void> {
    await this.db.appPassword.update({ where: { id }, data: { lastUsedAt: new Date() } });
  }
}
