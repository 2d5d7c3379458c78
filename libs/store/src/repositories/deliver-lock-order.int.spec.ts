import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';

/**
 * Local delivery locks mailboxes (and their accounts) in one order across all the copies of a
 * message: two messages to the same two recipients, given in opposite RCPT order, never wait on
 * each other (Postgres would abort one as a deadlock, and its sender would get a 451).
 */
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
});
afterAll(() => db.drop());

async function inboxOf(name: string): Promise<number> {
  const account = await db.store.accounts.create({ address: `${name}@example.test`, passwordHash: 'x' });
  return (await db.store.mailboxes.findByName(account.id, 'INBOX'))!.id;
}

describe('deliverBatch lock order', () => {
  it('concurrent deliveries to the same recipients in opposite order all commit', async () => {
    const a = await inboxOf('first');
    const b = await inboxOf('second');
    const copy = (n: number, to: string, mailboxId: number) => ({
      raw: Buffer.from(`Delivered-To: ${to}\r\n${sampleMessage(n, { subject: `order ${n}` })}`),
      targets: [{ mailboxId }],
    });
    const rounds = 25;
    for (let i = 0; i < rounds; i++) {
      const results = await Promise.allSettled([
        db.store.messages.deliverBatch([copy(2 * i, 'first', a), copy(2 * i, 'second', b)]),
        db.store.messages.deliverBatch([copy(2 * i + 1, 'second', b), copy(2 * i + 1, 'first', a)]),
      ]);
      const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      expect(failures).toEqual([]);
    }
    expect(await db.store.messages.list(a)).toHaveLength(2 * rounds);
    expect(await db.store.messages.list(b)).toHaveLength(2 * rounds);
  });
});
