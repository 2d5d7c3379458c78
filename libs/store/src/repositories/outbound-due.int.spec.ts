import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';

/**
 * A freshly queued outbound row is due at once: the worker claims it the moment SMTP has
 * answered 250, with a `now` taken in this process after the insert returned. The column keeps
 * milliseconds, and Postgres rounds now()'s microseconds to them, so a default of now() could
 * land up to half a millisecond in the future and the claim found the row "not yet due".
 */
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
});
afterAll(() => db.drop());

describe('outbound rows are due when queued', () => {
  it('claims every row right after it was queued', async () => {
    const raw = Buffer.from(sampleMessage(1, { subject: 'due' }));
    const missed: number[] = [];
    for (let i = 0; i < 300; i++) {
      const { outboundIds } = await db.store.messages.deliver(raw, [], { outbound: { sender: 'a@example.test', recipients: [{ address: `r${i}@remote.example` }] } });
      const claimed = await db.store.outbound.claim(outboundIds[0]!, 60_000);
      if (!claimed) missed.push(i);
    }
    expect(missed).toEqual([]);
  });
});
