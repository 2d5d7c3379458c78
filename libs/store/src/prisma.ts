import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client';

export type Db = PrismaClient;
export type { Prisma } from './generated/prisma/client';

/** The Prisma client and the `pg` pool under it (one set of connections for both). */
export interface Database {
  db: Db;
  /** For the few hot paths that run raw SQL on one connection (MessageRepository's inserts). */
  pool: pg.Pool;
}

export function createDatabase(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // Prisma disposes the pool on $disconnect
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return { db, pool };
}

/** A transaction client as handed to `$transaction(async (tx) => ...)`. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
