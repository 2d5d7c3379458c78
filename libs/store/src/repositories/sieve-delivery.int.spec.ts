// What a Sieve run decides, written by deliverBatch in the delivery's one transaction: a target
// that creates its mailbox (fileinto :create), a vacation reply sent only when its claim on the
// sender's record is won (RFC 5230 4.2), duplicate ids (RFC 7352), and their pruning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';

let db: TestDatabase;
let alice: number;
let inbox: number;
let n = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('example.test');
  alice = (await db.store.accounts.create({ address: 'alice@example.test', passwordHash: 'x' })).id;
  inbox = (await db.store.mailboxes.findByName(alice, 'INBOX'))!.id;
});
afterAll(() => db.drop());

const vacationPart = (sender: string, until: Date) => ({
  raw: sampleMessage(++n, { to: sender }),
  targets: [],
  options: { outbound: { sender: '', recipients: [{ address: sender, notify: ['NEVER'] }] }, vacationClaim: { accountId: alice, handle: 'h', sender, until } },
});

describe('deliverBatch and Sieve', () => {
  it('creates a fileinto :create mailbox in the transaction, once, and files the copy there with its flags', async () => {
    const [first] = await db.store.messages.deliverBatch([{ raw: sampleMessage(++n), targets: [{ mailboxId: 0, create: { accountId: alice, name: 'Lists/Rust' }, flags: ['\\Seen', 'rust'] }, { mailboxId: inbox }] }]);
    const created = await db.store.mailboxes.findByName(alice, 'Lists/Rust');
    expect(created).not.toBeNull();
    expect(first!.stored.map((s) => s.mailboxId).sort()).toEqual([inbox, created!.id].sort());
    const [again] = await db.store.messages.deliverBatch([{ raw: sampleMessage(++n), targets: [{ mailboxId: 0, create: { accountId: alice, name: 'Lists/Rust' } }] }]);
    expect(again!.stored[0]!.mailboxId).toBe(created!.id);
    const rows = await db.store.messages.list(created!.id);
    expect(rows).toHaveLength(2);
    expect((await db.store.mailboxes.findById(created!.id))!.uidValidity).toBeGreaterThan((await db.store.mailboxes.findById(inbox))!.uidValidity);
  });

  it('a failed transaction leaves no created mailbox behind', async () => {
    await expect(
      db.store.messages.deliverBatch([
        { raw: sampleMessage(++n), targets: [{ mailboxId: 0, create: { accountId: alice, name: 'Never' } }] },
        { raw: sampleMessage(++n), targets: [{ mailboxId: 2_000_000_000 }] },
      ]),
    ).rejects.toThrow();
    expect(await db.store.mailboxes.findByName(alice, 'Never')).toBeNull();
  });

  it('a vacation part is written when its claim is won, left out while the record is current, and sent again once it expired', async () => {
    const future = new Date(Date.now() + 3_600_000);
    const [won] = await db.store.messages.deliverBatch([{ raw: sampleMessage(++n), targets: [{ mailboxId: inbox }] }, vacationPart('bob@remote.test', future)]);
    expect(won!.stored).toHaveLength(1);
    const [, reply] = await db.store.messages.deliverBatch([{ raw: sampleMessage(++n), targets: [{ mailboxId: inbox }] }, vacationPart('Bob@Remote.test', future)]);
    expect(reply).toMatchObject({ claimLost: true, outboundIds: [] });
    expect(await db.store.sieve.vacationReplied(alice, 'h', 'BOB@remote.test')).toBe(true);
    // a record whose period is over: the next message is answered again
    const expired = vacationPart('carol@remote.test', new Date(Date.now() - 1000));
    const [first] = await db.store.messages.deliverBatch([expired]);
    expect(first!.outboundIds).toHaveLength(1);
    expect(await db.store.sieve.vacationReplied(alice, 'h', 'carol@remote.test')).toBe(false);
    const [second] = await db.store.messages.deliverBatch([vacationPart('carol@remote.test', future)]);
    expect(second!.outboundIds).toHaveLength(1);
    const [third] = await db.store.messages.deliverBatch([vacationPart('carol@remote.test', future)]);
    expect(third!.claimLost).toBe(true);
  });

  it('two deliveries racing for one sender answer once', async () => {
    const future = new Date(Date.now() + 3_600_000);
    const results = await Promise.all([1, 2, 3].map(() => db.store.messages.deliverBatch([{ raw: sampleMessage(++n), targets: [{ mailboxId: inbox }] }, vacationPart('dave@remote.test', future)])));
    expect(results.filter(([, reply]) => !reply!.claimLost)).toHaveLength(1);
  });

  it('a script error notice is written by the one delivery that marks the version reported', async () => {
    const script = await db.store.sieve.put(alice, 'broken', 'x');
    const notice = () => ({ raw: sampleMessage(++n), targets: [{ mailboxId: inbox }], options: { scriptErrorClaim: { scriptId: script.id, version: script.version } } });
    const results = await Promise.all([1, 2, 3].map(() => db.store.messages.deliverBatch([{ raw: sampleMessage(++n), targets: [{ mailboxId: inbox }] }, notice()])));
    expect(results.filter(([, r]) => !r!.claimLost)).toHaveLength(1);
    expect(results.every(([message]) => message!.stored.length === 1)).toBe(true);
    expect((await db.store.sieve.get(alice, 'broken'))!.reportedVersion).toBe(script.version);
    // a new version is reported again
    const next = await db.store.sieve.put(alice, 'broken', 'y');
    const [, again] = await db.store.messages.deliverBatch([{ raw: sampleMessage(++n), targets: [{ mailboxId: inbox }] }, { ...notice(), options: { scriptErrorClaim: { scriptId: next.id, version: next.version } } }]);
    expect(again!.claimLost).toBeUndefined();
    expect(again!.stored).toHaveLength(1);
  });

  it('records duplicate ids with the delivery, keeps the later expiry, and prunes what expired', async () => {
    await db.store.messages.deliverBatch([{ raw: sampleMessage(++n), targets: [{ mailboxId: inbox }] }], { duplicates: [{ accountId: alice, key: 'k1', until: new Date(Date.now() + 60_000) }] });
    expect(await db.store.sieve.duplicateSeen(alice, 'k1')).toBe(true);
    expect(await db.store.sieve.duplicateSeen(alice, 'k2')).toBe(false);
    // a discarded message (no copy) still records its ids
    await db.store.messages.deliverBatch([], { duplicates: [{ accountId: alice, key: 'k2', until: new Date(Date.now() - 1) }, { accountId: alice, key: 'k1', until: new Date(Date.now() - 1) }] });
    expect(await db.store.sieve.duplicateSeen(alice, 'k1')).toBe(true);
    expect(await db.store.sieve.duplicateSeen(alice, 'k2')).toBe(false);
    const pruned = await db.store.sieve.pruneExpired();
    expect(pruned.duplicates).toBe(1);
    expect(pruned.vacation).toBeGreaterThanOrEqual(0);
    expect(await db.store.sieve.duplicateSeen(alice, 'k1')).toBe(true);
  });

  it('forDelivery: the active script, the admin scripts in order, and the account’s own addresses (aliases, not catch-alls)', async () => {
    await db.store.aliases.create('al@example.test', ['alice@example.test']);
    await db.store.aliases.create('@example.test', ['alice@example.test']);
    await db.store.sieve.put(alice, 'mine', 'keep;');
    await db.store.sieve.setActive(alice, 'mine');
    const domainId = (await db.store.domains.findByName('example.test'))!.id;
    await db.store.sieve.putAdmin({ domainId }, 'before', 'd-before', 'keep;');
    await db.store.sieve.putAdmin({ domainId: null }, 'after', 'g-after', 'keep;');
    const scripts = await db.store.sieve.forDelivery(alice);
    expect(scripts).toMatchObject({ domainId, personal: { name: 'mine' }, before: [{ name: 'd-before' }], after: [{ name: 'g-after' }] });
    expect(scripts!.addresses.sort()).toEqual(['al@example.test', 'alice@example.test']);
    expect(await db.store.sieve.forDelivery(999_999)).toBeNull();
    // an account of another domain without a script of its own: nothing to run (the admin scripts are example.test's and global after)
    await db.store.domains.create('other.test');
    const carol = (await db.store.accounts.create({ address: 'carol@other.test', passwordHash: 'x' })).id;
    expect(await db.store.sieve.forDelivery(carol)).toMatchObject({ personal: null, before: [], after: [{ name: 'g-after' }] });
    await db.store.sieve.removeAdmin({ domainId: null }, 'g-after');
    expect(await db.store.sieve.forDelivery(carol)).toEqual({ domainId: expect.any(Number), addresses: ['carol@other.test'], personal: null, before: [], after: [] });
  });
});
