import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
});
afterAll(() => db.drop());

describe('ImapQuotaRepository (RFC 9208 usage, RFC 8438 STATUS SIZE)', () => {
  it('tracks STORAGE and MESSAGE usage across append, copy and expunge', async () => {
    const account = await db.store.accounts.create({ address: 'quota@example.test', passwordHash: 'x', quotaBytes: 1_000_000 });
    const inbox = (await db.store.mailboxes.findByName(account.id, 'INBOX'))!;
    const other = await db.store.mailboxes.create(account.id, 'Other');
    const messages = [sampleMessage(1), sampleMessage(2), sampleMessage(3)];
    const bytes = BigInt(messages.reduce((s, m) => s + m.length, 0));
    await db.store.messages.append(inbox.id, messages.map((raw) => ({ raw })));

    expect(await db.store.imapQuota.usage(account.id)).toEqual({ storageBytes: bytes, storageLimitBytes: 1_000_000n, messages: 3 });
    expect(await db.store.imapQuota.mailboxSize(inbox.id)).toBe(bytes);

    await db.store.messages.copy(inbox.id, [1], other.id);
    const afterCopy = await db.store.imapQuota.usage(account.id);
    expect(afterCopy).toEqual({ storageBytes: bytes + BigInt(messages[0]!.length), storageLimitBytes: 1_000_000n, messages: 4 });
    expect(await db.store.imapQuota.mailboxSize(other.id)).toBe(BigInt(messages[0]!.length));

    await db.store.messages.updateFlags(inbox.id, [2], 'add', ['\\Deleted']);
    await db.store.messages.expunge(inbox.id);
    expect(await db.store.imapQuota.usage(account.id)).toMatchObject({ storageBytes: bytes, messages: 3 });
  });

  it('reports no storage limit for quota 0, null for unknown ids, and recounts drifted usage', async () => {
    const account = await db.store.accounts.create({ address: 'free@example.test', passwordHash: 'x' });
    const inbox = (await db.store.mailboxes.findByName(account.id, 'INBOX'))!;
    const raw = sampleMessage(9);
    await db.store.messages.append(inbox.id, [{ raw }]);
    expect(await db.store.imapQuota.usage(account.id)).toEqual({ storageBytes: BigInt(raw.length), storageLimitBytes: null, messages: 1 });
    expect(await db.store.imapQuota.usage(987_654)).toBeNull();
    expect(await db.store.imapQuota.mailboxSize(987_654)).toBeNull();
    expect(await db.store.imapQuota.recount(account.id)).toBe(BigInt(raw.length));
    expect(await db.store.imapQuota.recount(987_654)).toBeNull();
  });
});
