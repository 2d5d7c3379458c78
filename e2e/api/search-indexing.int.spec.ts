// Webmail search over a large unindexed backlog (a bulk import, no worker role running): with
// the fill budget at 1 ms (MAILSTEAD_SEARCH_FILL_BUDGET) GET /api/search answers after its
// first batch with what is indexed so far and `indexing: true`, the API finishes the scope in
// the background, and afterwards the same search finds everything without the flag. An account
// with nothing pending, and searches without free text, never carry the flag. Closing the app
// stops a background fill under way (before the shared store closes).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Store } from '@mailstead/store';
import { sampleMessage } from '@mailstead/testing';
import { MessageController } from '../../apps/server/src/api/message.controller';
import { addUser, Client, startApi, type ApiHarness } from './api-harness';

const BACKLOG = 650;
let api: ApiHarness;
let alice: Client;
let bob: Client;
let aliceId: number;
let aliceInbox: number;

type Page = { items: { subject: string }[]; nextCursor: string | null; indexing?: boolean };

beforeAll(async () => {
  api = await startApi({ env: { MAILSTEAD_SEARCH_FILL_BUDGET: '1ms' } });
  const store = api.db.store;
  aliceId = (await addUser(api.db, 'alice@budget.test', 'alice-password')).id;
  const bobId = (await addUser(api.db, 'bob@budget.test', 'bob-password')).id;
  aliceInbox = (await store.mailboxes.findByName(aliceId, 'INBOX'))!.id;
  const bobInbox = (await store.mailboxes.findByName(bobId, 'INBOX'))!.id;
  // Append leaves search_vector NULL, as SMTP delivery and the mbox import do.
  await store.messages.append(
    aliceInbox,
    Array.from({ length: BACKLOG }, (_, n) => ({
      raw: sampleMessage(n, { subject: `Imported ${n}`, body: `Quarterly budgetword figures, reference ref${n}.` }),
      internalDate: new Date(Date.UTC(2025, 0, 1) + n * 60_000),
    })),
  );
  await store.messages.append(bobInbox, [1, 2, 3].map((n) => ({ raw: sampleMessage(2000 + n, { subject: `Bob ${n}`, body: 'budgetword for bob' }) })));
  // Bob's mail was indexed already (as the worker does within seconds of delivery).
  expect(await store.searchIndex.fillScope({ accountId: bobId })).toEqual({ filled: 3, pending: false });
  alice = new Client(api.base);
  await alice.login('alice@budget.test', 'alice-password');
  bob = new Client(api.base);
  await bob.login('bob@budget.test', 'bob-password');
});

afterAll(async () => {
  await api?.stop();
});

const search = (c: Client, q: string, extra = '') => c.json<Page>('GET', `/api/search?q=${encodeURIComponent(q)}${extra}`);

describe('search over an unindexed backlog', () => {
  it('answers within the budget with the indexed part and indexing: true, fills the rest in the background, then answers in full without the flag', async () => {
    expect(await api.db.store.searchIndex.pending({ accountId: aliceId })).toBe(true);
    const partial = await search(alice, 'budgetword', `&mailboxId=${aliceInbox}&limit=200`);
    expect(partial.indexing).toBe(true);
    // Newest first: the first page is of the newest (indexed) messages.
    expect(partial.items.length).toBeGreaterThan(0);
    expect(partial.items[0]!.subject).toBe(`Imported ${BACKLOG - 1}`);

    // The API goes on filling alice's inbox by itself (no worker role here, no further requests).
    await vi.waitFor(async () => expect(await api.db.store.searchIndex.pending({ accountId: aliceId })).toBe(false), { timeout: 45_000, interval: 100 });

    const complete = await search(alice, 'ref0');
    expect(complete).toEqual({ items: [expect.objectContaining({ subject: 'Imported 0' })], nextCursor: null });
    expect('indexing' in complete).toBe(false);
    const all = await search(alice, 'budgetword', '&limit=200');
    expect(all.indexing).toBeUndefined();
    expect(all.items).toHaveLength(200);
    expect(all.nextCursor).not.toBeNull();
  });

  it('no flag when nothing was pending, nor for a search without free text', async () => {
    const page = await search(bob, 'budgetword');
    expect(page.items.map((i) => i.subject).sort()).toEqual(['Bob 1', 'Bob 2', 'Bob 3']);
    expect('indexing' in page).toBe(false);

    // Carol's new mail is unindexed, but a subject: search reads no vectors and fills none.
    const carolId = (await addUser(api.db, 'carol@budget.test', 'carol-password')).id;
    const carolInbox = (await api.db.store.mailboxes.findByName(carolId, 'INBOX'))!.id;
    await api.db.store.messages.append(carolInbox, [{ raw: sampleMessage(3000, { subject: 'Carol only' }) }]);
    const carol = new Client(api.base);
    await carol.login('carol@budget.test', 'carol-password');
    const bySubject = await search(carol, 'subject:carol');
    expect(bySubject.items.map((i) => i.subject)).toEqual(['Carol only']);
    expect('indexing' in bySubject).toBe(false);
    expect(await api.db.store.searchIndex.pending({ accountId: carolId })).toBe(true);
  });

  it('documents the flag in the OpenAPI document of GET /api/search', async () => {
    const doc = (await (await fetch(`${api.base}/api/docs/json`)).json()) as {
      paths: Record<string, { get: { responses: { 200: { content: { 'application/json': { schema: { properties: Record<string, { description?: string }> } } } } } } }>;
    };
    const props = doc.paths['/api/search']!.get.responses[200].content['application/json'].schema.properties;
    expect(Object.keys(props)).toEqual(expect.arrayContaining(['items', 'nextCursor', 'indexing']));
    expect(props['indexing']!.description).toMatch(/index/);
  });
});

describe('shutdown', () => {
  it('closing the app stops the background fill between batches and waits for it', async () => {
    const other = await startApi({ env: { MAILSTEAD_SEARCH_FILL_BUDGET: '1ms' } });
    const large = 1250;
    let store: Store | undefined;
    try {
      const daveId = (await addUser(other.db, 'dave@budget.test', 'dave-password')).id;
      const inbox = (await other.db.store.mailboxes.findByName(daveId, 'INBOX'))!.id;
      await other.db.store.messages.append(inbox, Array.from({ length: large }, (_, n) => ({ raw: sampleMessage(5000 + n) })));
      const dave = new Client(other.base);
      await dave.login('dave@budget.test', 'dave-password');
      expect((await search(dave, 'hello')).indexing).toBe(true);
      const backfill = other.app.get(MessageController)['backfill'];
      expect(backfill.busy(daveId)).toBe(true);

      await other.app.close();
      expect(backfill.busy(daveId)).toBe(false);
      expect(backfill.start({ accountId: daveId })).toBe(false);
      // It stopped rather than ran to the end: most of the backlog is still unindexed.
      store = await Store.connect(other.db.url);
      expect(await store.searchIndex.pending({ accountId: daveId })).toBe(true);
    } finally {
      await store?.close();
      await other.db.drop();
    }
  });
});
